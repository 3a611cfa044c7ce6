/**
 * Embeds the training material with the backbone exactly as inference does (DetectionModel.embed, tiles included):
 * the shared real photos (each tile, crops around failure boxes, a webcam-like copy) and synthetic frames.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { DetectionModel } from '../../apps/inference/src/model/detection-model';
import type { TileBox } from '../../apps/inference/src/model/frame-preprocessor';
import { cropAround, tileLabel, webcamAugment, type PrintPhoto } from './print-photos';
import { frameSpec } from './synthetic-dataset';
import { renderSyntheticFrame } from './synthetic-frames';

export type RowKind = 'tile' | 'whole' | 'crop';

/** One embedding with what is known about it. `label` undefined = not used for training (ambiguous tile). */
export interface EmbeddedRow {
  embedding: Float32Array;
  label: 0 | 1 | undefined;
  /** The photo's source, or `synthetic`. */
  source: string;
  kind: RowKind;
  /** Index of the frame (photo or synthetic frame) it came from, into `frames`. */
  frame: number;
  augmented: boolean;
}

/** A frame as inference scores it: its tiles' rows, for per-frame evaluation (max over tiles). */
export interface EmbeddedFrame {
  name: string;
  label: 0 | 1;
  source: string;
  augmented: boolean;
  /** Indexes into rows, in the model's tile order. */
  tileRows: number[];
}

export interface TrainingSet {
  rows: EmbeddedRow[];
  frames: EmbeddedFrame[];
}

interface Job {
  name: string;
  image: Buffer;
  label: 0 | 1;
  source: string;
  augmented: boolean;
  photo?: PrintPhoto;
  /** Failure boxes to crop (fractions). */
  crops: ReturnType<typeof cropAround>[];
}

export interface EmbedOptions {
  photosDir: string;
  photos: readonly PrintPhoto[];
  syntheticSeed: number;
  syntheticClean: number;
  syntheticFailure: number;
  /** Seed for the webcam-like copies. */
  augmentSeed: number;
  log: (message: string) => void;
}

/** Embeds everything; `tiled` scores tiles (the shipped layout), `single` one region per frame (crops). */
export async function embedTrainingSet(
  tiled: DetectionModel,
  single: DetectionModel,
  options: EmbedOptions,
): Promise<TrainingSet> {
  const rows: EmbeddedRow[] = [];
  const frames: EmbeddedFrame[] = [];
  const started = performance.now();
  const tiles: readonly TileBox[] = tiled.tiles;

  async function* jobs(): AsyncGenerator<Job> {
    for (const [i, photo] of options.photos.entries()) {
      const image = await readFile(path.join(options.photosDir, photo.file));
      const crops = (photo.boxes ?? []).map((b) => cropAround(b));
      yield { name: photo.file, image, label: photo.label, source: photo.source, augmented: false, photo, crops };
      yield {
        name: `${photo.file}#webcam`,
        image: await webcamAugment(image, options.augmentSeed + i),
        label: photo.label,
        source: photo.source,
        augmented: true,
        photo,
        crops,
      };
    }
    const total = options.syntheticClean + options.syntheticFailure;
    for (let i = 0, clean = 0, failure = 0; clean + failure < total; i++) {
      const spec = frameSpec(options.syntheticSeed, 'real-train', i);
      if (spec.label === 'clean' ? clean >= options.syntheticClean : failure >= options.syntheticFailure) continue;
      if (spec.label === 'clean') clean++;
      else failure++;
      const frame = await renderSyntheticFrame(spec.seed, spec.label);
      yield {
        name: `synthetic-${i}-${frame.scenario}`,
        image: frame.jpeg,
        label: spec.label === 'clean' ? 0 : 1,
        source: 'synthetic',
        augmented: false,
        crops: [],
      };
    }
  }

  const batch: Job[] = [];
  let done = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const embedded = await tiled.embed(batch.map((job, k) => ({ id: String(k), image: job.image })));
    const cropFrames = batch.flatMap((job, k) =>
      job.crops.map((roi, c) => ({ id: `${k}:${c}`, image: job.image, regionOfInterest: roi })),
    );
    const cropped: Awaited<ReturnType<DetectionModel['embed']>> = [];
    for (let start = 0; start < cropFrames.length; start += single.maxBatchSize) {
      cropped.push(...(await single.embed(cropFrames.slice(start, start + single.maxBatchSize))));
    }
    batch.forEach((job, k) => {
      const result = embedded[k];
      if (!result.ok) throw new Error(`${job.name}: ${result.error.message}`);
      const frame = frames.length;
      const tileRows: number[] = [];
      result.embeddings.forEach((embedding, t) => {
        const tile = tiles[t];
        const whole = tile.w >= 0.999 && tile.h >= 0.999;
        const label = job.photo ? tileLabel(job.photo, tile) : job.label === 0 || whole ? job.label : undefined;
        tileRows.push(rows.length);
        rows.push({
          embedding,
          label,
          source: job.source,
          kind: whole ? 'whole' : 'tile',
          frame,
          augmented: job.augmented,
        });
      });
      frames.push({ name: job.name, label: job.label, source: job.source, augmented: job.augmented, tileRows });
    });
    for (const result of cropped) {
      if (!result.ok) throw new Error(`crop ${result.id}: ${result.error.message}`);
      const [k] = result.id.split(':').map(Number);
      const job = batch[k];
      const frame = frames.length - batch.length + k;
      rows.push({
        embedding: result.embeddings[0],
        label: 1,
        source: job.source,
        kind: 'crop',
        frame,
        augmented: job.augmented,
      });
    }
    done += batch.length;
    batch.length = 0;
    if (done % 80 < tiled.maxBatchSize) {
      options.log(
        `embedded ${done} frames, ${rows.length} rows (${Math.round((performance.now() - started) / 1000)} s)`,
      );
    }
  };
  for await (const job of jobs()) {
    batch.push(job);
    if (batch.length >= tiled.maxBatchSize) await flush();
  }
  await flush();
  return { rows, frames };
}

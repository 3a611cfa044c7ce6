/**
 * Measures a detection model on labelled photos:
 *   npm run eval:detector -- <dir> [--by-source] [--model models/default] [--threshold t] [--providers cpu]
 * <dir> holds fail-*.jpg and clean-*.jpg (also .jpeg/.png/.webp); with --by-source it is a set laid out as
 * ../shared/datasets/print-photos: <source>/fail/* and <source>/clean/*. Prints each image's score, a summary per
 * source with --by-source, and ends with
 *   detector <n> photos: auc <x>, recall <r> at fpr <f> (threshold <t>)
 * The threshold is the model's default alert point (manifest scoring.alertThreshold; 0.5 without one).
 * Exit status 1 when an image could not be scored, 2 on bad usage.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DetectionModel, parseExecutionProviders } from '../apps/inference/src/model';

const USAGE =
  'usage: npm run eval:detector -- <dir> [--by-source] [--model <dir>] [--threshold <0..1>] [--providers cpu]';
const MAX_FILE_BYTES = 50 * 1024 * 1024;
const IMAGE = /\.(jpe?g|png|webp)$/i;

export interface LabelledPhoto {
  file: string;
  label: 0 | 1;
  source: string;
}

export interface ScoredPhoto extends LabelledPhoto {
  score: number;
}

export interface Summary {
  count: number;
  auc: number;
  recall: number;
  fpr: number;
  threshold: number;
}

/** fail-* / clean-* files of one folder (other files are ignored). */
export async function flatPhotos(directory: string): Promise<LabelledPhoto[]> {
  const names = (await readdir(directory)).filter((n) => IMAGE.test(n)).sort();
  return names.flatMap((name): LabelledPhoto[] => {
    if (name.startsWith('fail-')) return [{ file: path.join(directory, name), label: 1, source: '.' }];
    if (name.startsWith('clean-')) return [{ file: path.join(directory, name), label: 0, source: '.' }];
    return [];
  });
}

/** <source>/fail/* and <source>/clean/* of a set laid out like the shared print photos. */
export async function photosBySource(directory: string): Promise<LabelledPhoto[]> {
  const photos: LabelledPhoto[] = [];
  for (const source of (await readdir(directory, { withFileTypes: true })).filter((d) => d.isDirectory())) {
    for (const [folder, label] of [
      ['fail', 1],
      ['clean', 0],
    ] as const) {
      const dir = path.join(directory, source.name, folder);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.filter((n) => IMAGE.test(n)).sort()) {
        photos.push({ file: path.join(dir, name), label, source: source.name });
      }
    }
  }
  return photos.sort((a, b) => a.file.localeCompare(b.file));
}

/** ROC AUC (ties count half); NaN without both classes. */
export function rocAuc(scored: readonly { score: number; label: 0 | 1 }[]): number {
  const order = [...scored].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j].score === order[i].score) j++;
    for (let k = i; k < j; k++) if (order[k].label === 1) rankSum += (i + 1 + j) / 2;
    i = j;
  }
  const positives = scored.filter((s) => s.label === 1).length;
  const negatives = scored.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function summarize(scored: readonly ScoredPhoto[], threshold: number): Summary {
  const failures = scored.filter((s) => s.label === 1);
  const clean = scored.filter((s) => s.label === 0);
  const rate = (list: ScoredPhoto[]) =>
    list.length ? list.filter((s) => s.score >= threshold).length / list.length : Number.NaN;
  return { count: scored.length, auc: rocAuc(scored), recall: rate(failures), fpr: rate(clean), threshold };
}

const num = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

export function summaryLine(summary: Summary): string {
  return `detector ${summary.count} photos: auc ${num(summary.auc, 4)}, recall ${num(summary.recall, 3)} at fpr ${num(
    summary.fpr,
    3,
  )} (threshold ${num(summary.threshold, 3)})`;
}

/** Scores the photos with the model, batch by batch. Unreadable photos are returned apart, never thrown. */
export async function scorePhotos(
  model: DetectionModel,
  photos: readonly LabelledPhoto[],
): Promise<{ scored: ScoredPhoto[]; errors: { file: string; reason: string }[] }> {
  const scored: ScoredPhoto[] = [];
  const errors: { file: string; reason: string }[] = [];
  for (let start = 0; start < photos.length; start += model.maxBatchSize) {
    const chunk = photos.slice(start, start + model.maxBatchSize);
    const frames = [];
    for (const photo of chunk) {
      try {
        const info = await stat(photo.file);
        if (info.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
        frames.push({ id: photo.file, image: await readFile(photo.file) });
      } catch (error) {
        errors.push({ file: photo.file, reason: (error as Error).message });
      }
    }
    const results = new Map((await model.runBatch(frames)).map((r) => [r.id, r]));
    for (const photo of chunk) {
      const result = results.get(photo.file);
      if (!result) continue;
      if (!result.ok) errors.push({ file: photo.file, reason: `${result.error.code}: ${result.error.message}` });
      else scored.push({ ...photo, score: result.score });
    }
  }
  return { scored, errors };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string', default: path.resolve(__dirname, '..', 'models', 'default') },
      'by-source': { type: 'boolean', default: false },
      threshold: { type: 'string' },
      providers: { type: 'string', default: process.env.INFERENCE_PROVIDERS ?? 'cpu' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const directory = positionals[0];
  const photos = values['by-source'] ? await photosBySource(directory) : await flatPhotos(directory);
  if (photos.length === 0) {
    process.stderr.write(
      `no labelled photos in ${directory} (${values['by-source'] ? '<source>/fail, <source>/clean' : 'fail-*, clean-*'})\n`,
    );
    return 2;
  }
  const model = await DetectionModel.load(values.model!, {
    providers: parseExecutionProviders(values.providers),
    logger: pino({ level: 'warn' }, pino.destination(2)),
    preprocess: { maxInputBytes: MAX_FILE_BYTES, limitInputPixels: 100_000_000 },
  });
  let threshold = model.manifest.scoring?.alertThreshold ?? 0.5;
  if (values.threshold !== undefined) {
    threshold = Number(values.threshold);
    if (!(threshold >= 0 && threshold <= 1)) {
      process.stderr.write(`--threshold must be a number in 0..1, got ${values.threshold}\n`);
      await model.close();
      return 2;
    }
  }
  let result: Awaited<ReturnType<typeof scorePhotos>>;
  try {
    result = await scorePhotos(model, photos);
  } finally {
    await model.close();
  }
  for (const photo of result.scored) {
    const name = path.relative(directory, photo.file);
    process.stdout.write(`${name}\t${photo.label ? 'fail' : 'clean'}\t${photo.score.toFixed(4)}\n`);
  }
  for (const error of result.errors)
    process.stdout.write(`${path.relative(directory, error.file)}\terror\t${error.reason}\n`);
  if (values['by-source']) {
    for (const source of [...new Set(result.scored.map((s) => s.source))].sort()) {
      const s = summarize(
        result.scored.filter((p) => p.source === source),
        threshold,
      );
      process.stdout.write(
        `source ${source}: ${s.count} photos, auc ${num(s.auc, 4)}, recall ${num(s.recall, 3)}, fpr ${num(s.fpr, 3)}\n`,
      );
    }
  }
  process.stdout.write(`${summaryLine(summarize(result.scored, threshold))}\n`);
  return result.errors.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

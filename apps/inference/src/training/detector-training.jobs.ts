import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, OnJob, type JobOutcome, type JobPayloads } from '@farmhand/core';
import { DetectorTrainingService, FrameStorage, FramesRepository, type LabelledFrame } from '@farmhand/detection';
import { detectionSettingsOf } from '@farmhand/printers';
import type { Logger } from 'pino';
import { logisticHeadSchema, type LogisticHead } from '../model';
import { InferenceRuntime } from '../runtime/inference-runtime';
import { OrganizationHeads } from '../runtime/organization-heads';
import { regionOf } from '../runtime/frame-inference.jobs';
import {
  atLeastAsGood,
  groupOf,
  measure,
  splitByGroup,
  trainOrganizationHead,
  type EmbeddedFrame,
} from './head-training';

/** Where the alert point is when the model's manifest names none (Obico's weights, test models). */
const FALLBACK_THRESHOLD = 0.5;
/** The part of the progress bar embedding takes (the rest: training and measuring). */
const EMBEDDING_SHARE = 0.8;

/**
 * `detector.train`: embeds the organization's labelled frames with the loaded backbone (cached per frame and model),
 * splits them by print, trains a head on the training side with the default head as its prior, measures it and the
 * current head on the held-out side at the alert point, and stores it as `candidate` or `rejected`. Any error marks
 * the training failed with a message; the head is written in one transaction or not at all.
 */
@Injectable()
export class DetectorTrainingJobs {
  constructor(
    private readonly training: DetectorTrainingService,
    private readonly frames: FramesRepository,
    private readonly storage: FrameStorage,
    private readonly runtime: InferenceRuntime,
    private readonly heads: OrganizationHeads,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnJob('detector.train')
  async train(payload: JobPayloads['detector.train']): Promise<JobOutcome> {
    const { orgId } = payload;
    if (!(await this.training.begin(orgId))) return { status: 'not_requested' };
    const started = performance.now();
    try {
      const outcome = await this.run(orgId);
      this.logger.info(
        { orgId, ...outcome, ms: Math.round(performance.now() - started) },
        'detector training finished',
      );
      return { status: outcome.better ? 'candidate' : 'rejected', ...outcome };
    } catch (error) {
      const message = error instanceof TrainingError ? error.message : 'The training stopped on an internal error';
      if (!(error instanceof TrainingError)) this.logger.error({ err: error, orgId }, 'detector training crashed');
      await this.training.fail(orgId, message);
      return { status: 'failed' };
    }
  }

  private async run(orgId: string): Promise<{ headId: string; better: boolean; frames: number }> {
    const model = this.runtime.model;
    const defaultHead = model.defaultHead;
    if (!defaultHead || !model.embeddingOutput) {
      throw new TrainingError('This model has no embedding head to train (e.g. Obico weights): nothing to teach');
    }
    const modelSha = this.runtime.modelSha;
    const threshold = model.manifest.scoring?.alertThreshold ?? FALLBACK_THRESHOLD;
    const labelled = await this.training.frames(orgId);
    const embedded = await this.embed(orgId, modelSha, labelled);
    const { train, heldOut } = splitByGroup(embedded);
    const count = (frames: EmbeddedFrame[]) => ({
      failure: frames.filter((f) => f.label === 'failure').length,
      ok: frames.filter((f) => f.label === 'ok').length,
    });
    const trainedOn = count(train);
    const held = count(heldOut);
    if (held.failure === 0 || held.ok === 0 || train.length === 0) {
      throw new TrainingError(
        'The labelled frames come from too few prints to keep some apart for measuring: label frames of more prints',
      );
    }
    const candidate = trainOrganizationHead(train, defaultHead, threshold);
    await this.training.progress(orgId, EMBEDDING_SHARE + (1 - EMBEDDING_SHARE) / 2);
    const active = await this.training.activeHead(orgId, modelSha);
    const parsed = active ? logisticHeadSchema.safeParse(active.head) : null;
    const current: LogisticHead = parsed?.success ? parsed.data : defaultHead;
    const metrics = {
      candidate: measure(candidate, heldOut, threshold),
      current: measure(current, heldOut, threshold),
    };
    const better = atLeastAsGood(metrics.candidate, metrics.current);
    const headId = await this.training.finish(orgId, {
      modelSha,
      head: candidate,
      threshold,
      metrics,
      counts: { trainedOn, heldOut: held },
      better,
    });
    this.heads.invalidate(orgId);
    return { headId, better, frames: embedded.length };
  }

  /** Every labelled frame's tile embeddings: from the cache, else through the model (and into the cache). */
  private async embed(orgId: string, modelSha: string, labelled: readonly LabelledFrame[]): Promise<EmbeddedFrame[]> {
    const model = this.runtime.model;
    const cached = new Map(
      (
        await this.training.embeddings(
          modelSha,
          labelled.map((f) => f.id),
        )
      ).map((row) => [row.frameId, row]),
    );
    const result: EmbeddedFrame[] = [];
    const missing: LabelledFrame[] = [];
    for (const frame of labelled) {
      const row = cached.get(frame.id);
      if (!row) {
        missing.push(frame);
        continue;
      }
      const data = new Float32Array(row.data.buffer.slice(row.data.byteOffset, row.data.byteOffset + row.data.length));
      const tiles = Array.from({ length: row.tiles }, (_, k) => data.subarray(k * row.size, (k + 1) * row.size));
      result.push({ id: frame.id, label: frame.label, group: groupOf(frame), tiles });
    }
    const batch = Math.max(1, model.maxBatchSize);
    for (let i = 0; i < missing.length; i += batch) {
      const chunk = missing.slice(i, i + batch);
      const inputs = [];
      for (const frame of chunk) {
        const loaded = await this.frames.forInference(frame.id);
        if (!loaded || loaded.frame.orgId !== orgId) continue;
        const image = await this.storage.read(frame.storagePath).catch(() => null);
        if (!image) continue; // pruned meanwhile: left out
        inputs.push({
          id: frame.id,
          image,
          regionOfInterest: regionOf(detectionSettingsOf(loaded.printer).regionOfInterest),
        });
      }
      const embeddings = inputs.length ? await model.embed(inputs) : [];
      for (const embedding of embeddings) {
        if (!embedding.ok) continue; // unreadable frames teach nothing
        const frame = chunk.find((f) => f.id === embedding.id)!;
        await this.training.storeEmbedding(orgId, frame.id, modelSha, embedding.embeddings, embedding.embeddingSize);
        result.push({ id: frame.id, label: frame.label, group: groupOf(frame), tiles: embedding.embeddings });
      }
      await this.training.progress(orgId, (EMBEDDING_SHARE * Math.min(missing.length, i + batch)) / missing.length);
    }
    // Newest first, whatever came from the cache: the split must not depend on what was cached.
    const order = new Map(labelled.map((frame, index) => [frame.id, index]));
    return result.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }
}

/** An expected failure whose message is shown to people as is. */
class TrainingError extends Error {}

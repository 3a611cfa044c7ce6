import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { DatasetRepository, type LabelledFrame } from '../dataset/dataset.repository';
import type { DetectionFrameEmbedding, HeadMetrics } from '../entities/detector.entity';
import { DETECTOR_MAX_TRAINING_FRAMES } from './detector.constants';
import { DetectorRepository } from './detector.repository';
import { DetectorService } from './detector.service';

export interface TrainedHead {
  modelSha: string;
  head: unknown;
  threshold: number;
  metrics: { candidate: HeadMetrics; current: HeadMetrics };
  counts: { trainedOn: { failure: number; ok: number }; heldOut: { failure: number; ok: number } };
  better: boolean;
}

/**
 * What the inference role's `detector.train` handler reads and writes (it holds the model, this library the tables):
 * the labelled frames, the embedding cache, the training's progress and, in one transaction, the trained head.
 */
@Injectable()
export class DetectorTrainingService {
  constructor(
    private readonly detector: DetectorRepository,
    private readonly dataset: DatasetRepository,
    private readonly service: DetectorService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Marks the organization's training running; false when none was asked for (nothing to do). */
  async begin(orgId: string): Promise<boolean> {
    return this.detector.transaction(async (manager) => {
      const state = await this.detector.lockState(manager, orgId);
      if (state.trainingState !== 'queued' && state.trainingState !== 'running') return false;
      await this.detector.updateState(manager, orgId, { trainingState: 'running', progress: 0 });
      return true;
    });
  }

  async progress(orgId: string, progress: number): Promise<void> {
    await this.detector.updateState(this.detector.manager, orgId, {
      progress: Math.round(Math.min(1, Math.max(0, progress)) * 1000) / 1000,
    });
  }

  /** The newest labelled frames (people's labels first among a frame's labels), at most DETECTOR_MAX_TRAINING_FRAMES. */
  frames(orgId: string): Promise<LabelledFrame[]> {
    return this.dataset.newest(orgId, DETECTOR_MAX_TRAINING_FRAMES);
  }

  /** The organization's active head for this backbone (null: the shipped default head). */
  async activeHead(orgId: string, modelSha: string): Promise<{ id: string; head: unknown } | null> {
    const [row] = await this.detector.activeHeads(modelSha, [orgId]);
    return row ? { id: row.id, head: row.head } : null;
  }

  /** Active heads of these organizations for this backbone (the inference role's per-organization heads). */
  activeHeads(modelSha: string, orgIds: readonly string[]): Promise<{ orgId: string; id: string; head: unknown }[]> {
    return this.detector.activeHeads(modelSha, orgIds);
  }

  embeddings(modelSha: string, frameIds: readonly string[]): Promise<DetectionFrameEmbedding[]> {
    return this.detector.embeddings(modelSha, frameIds);
  }

  async storeEmbedding(
    orgId: string,
    frameId: string,
    modelSha: string,
    rows: readonly Float32Array[],
    size: number,
  ): Promise<void> {
    const data = Buffer.alloc(rows.length * size * 4);
    rows.forEach((row, k) => Buffer.from(row.buffer, row.byteOffset, size * 4).copy(data, k * size * 4));
    await this.detector.saveEmbedding({ frameId, modelSha, orgId, tiles: rows.length, size, data });
  }

  /**
   * Stores the head as `candidate` (or `rejected` when it did worse than the current head) and ends the training,
   * in one transaction: a crash before it leaves no head at all.
   */
  async finish(orgId: string, trained: TrainedHead): Promise<string> {
    const id = await this.detector.transaction(async (manager) => {
      await this.detector.lockState(manager, orgId);
      const head = await this.detector.insertHead(manager, {
        orgId,
        state: trained.better ? 'candidate' : 'rejected',
        modelSha: trained.modelSha,
        head: trained.head,
        threshold: trained.threshold,
        metrics: trained.metrics,
        counts: trained.counts,
        better: trained.better,
        previousHeadId: null,
        activatedAt: null,
        activatedBy: null,
      });
      await this.detector.updateState(manager, orgId, {
        trainingState: 'idle',
        finishedAt: new Date(),
        error: null,
        progress: 1,
      });
      return head.id;
    });
    this.service.changed(orgId, undefined);
    return id;
  }

  /** Ends the training as failed with a message people can read (never a stack). */
  async fail(orgId: string, message: string): Promise<void> {
    await this.detector.updateState(this.detector.manager, orgId, {
      trainingState: 'failed',
      finishedAt: new Date(),
      error: message.slice(0, 500),
      progress: null,
    });
    this.logger.warn({ orgId, reason: message }, 'detector training failed');
    this.service.changed(orgId, undefined);
  }
}

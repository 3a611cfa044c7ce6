import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, OnJob, type JobOutcome, type JobPayloads } from '@farmhand/core';
import { DetectionChainService, FrameStorage, FramesRepository, alertBoxesFromTiles } from '@farmhand/detection';
import { detectionSettingsOf } from '@farmhand/printers';
import type { Logger } from 'pino';
import type { RegionOfInterest } from '../model';
import { InferenceRuntime } from './inference-runtime';
import { OrganizationHeads } from './organization-heads';

/**
 * `frame.infer`: reloads the frame and its printer (the payload only names them), scores the frame in the shared
 * micro-batch and hands the score to the detection chain. Many of these run at once (the queue's concurrency is
 * above B) so that batches fill.
 */
@Injectable()
export class FrameInferenceJobs {
  constructor(
    private readonly frames: FramesRepository,
    private readonly storage: FrameStorage,
    private readonly runtime: InferenceRuntime,
    private readonly chain: DetectionChainService,
    private readonly heads: OrganizationHeads,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnJob('frame.infer')
  async infer(payload: JobPayloads['frame.infer']): Promise<JobOutcome> {
    const loaded = await this.frames.forInference(payload.frameId);
    if (!loaded || loaded.frame.orgId !== payload.orgId) return { status: 'frame_gone' };
    if (loaded.frame.score !== null) return { status: 'already_scored' };
    if (!loaded.frame.printKey) return { status: 'not_printing' };
    let image: Buffer;
    try {
      image = await this.storage.read(loaded.frame.storagePath);
    } catch {
      return { status: 'file_gone' };
    }
    const region = regionOf(detectionSettingsOf(loaded.printer).regionOfInterest);
    // The organization's own head, when it activated one; frames of every organization still share the batch.
    const head = await this.heads.headFor(loaded.frame.orgId);
    const result = await this.runtime.detect({ id: loaded.frame.id, image, regionOfInterest: region, head });
    if (!result.ok) {
      await this.frames.recordInferenceError(loaded.frame.id, result.error.code);
      this.logger.warn({ frameId: loaded.frame.id, code: result.error.code }, 'frame could not be scored');
      return { status: 'rejected', code: result.error.code };
    }
    const outcome = await this.chain.onScored(loaded, result.score, {
      cleanPrior: this.runtime.cleanPrior,
      boxes: alertBoxesFromTiles(result.tiles, region),
    });
    return { ...outcome, score: result.score };
  }
}

/** The printer setting (fractions, width/height) as the preprocessor's region, clipped to the frame. */
export function regionOf(
  roi: { x: number; y: number; width: number; height: number } | null,
): RegionOfInterest | undefined {
  if (!roi) return undefined;
  const x = Math.min(Math.max(roi.x, 0), 0.99);
  const y = Math.min(Math.max(roi.y, 0), 0.99);
  return { x, y, w: Math.max(0.01, Math.min(roi.width, 1 - x)), h: Math.max(0.01, Math.min(roi.height, 1 - y)) };
}

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, LOGGER, MetricsService, type AppConfig } from '@farmhand/core';
import type { Counter, Histogram } from 'prom-client';
import type { Logger } from 'pino';
import { MicroBatcher } from '../batching';
import {
  DetectionModel,
  EXECUTION_PROVIDERS,
  parseExecutionProviders,
  type DetectionFrame,
  type DetectionResult,
} from '../model';

/**
 * The process's model and micro-batcher: frames from any number of concurrent jobs are gathered into batches of up to
 * INFERENCE_BATCH_SIZE frames or INFERENCE_BATCH_WAIT_MS, each batch preprocessed with sharp and run with ONE
 * session.run; two batches in flight let sharp decode the next while the current one is inferred.
 */
@Injectable()
export class InferenceRuntime implements OnModuleInit, OnApplicationShutdown {
  private loaded: DetectionModel | null = null;
  private batcher: MicroBatcher<DetectionFrame, DetectionResult> | null = null;
  private batchSize!: Histogram<string>;
  private batchSeconds!: Histogram<string>;
  private frames!: Counter<string>;
  /** sha256 of the model file: per-organization heads and cached embeddings belong to one backbone. */
  private sha: string | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsService,
  ) {}

  get model(): DetectionModel {
    if (!this.loaded) throw new Error('the inference model is not loaded');
    return this.loaded;
  }

  async onModuleInit(): Promise<void> {
    const directory = resolve(this.config.INFERENCE_MODEL_DIR);
    const model = await DetectionModel.load(directory, {
      providers: parseExecutionProviders(this.config.INFERENCE_PROVIDERS),
      intraOpNumThreads: this.config.INFERENCE_THREADS || undefined,
      maxBatchSize: this.config.INFERENCE_BATCH_SIZE,
      preprocess: { limitInputPixels: this.config.FRAME_MAX_PIXELS, maxInputBytes: this.config.FRAME_MAX_BYTES },
      logger: this.logger,
    });
    this.loaded = model;
    this.sha = createHash('sha256')
      .update(await readFile(resolve(directory, model.manifest.file)))
      .digest('hex');
    this.batchSize = this.metrics.histogram(
      'farmhand_inference_batch_size',
      'Frames per inference batch (one session.run each)',
      [],
      [1, 2, 4, 8, 16, 32, 64],
    );
    this.batchSeconds = this.metrics.histogram(
      'farmhand_inference_batch_seconds',
      'Time to preprocess, infer and decode one batch',
      [],
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    this.frames = this.metrics.counter('farmhand_inference_frames_total', 'Frames through the model, by result', [
      'result',
    ]);
    const provider = this.metrics.gauge(
      'farmhand_inference_provider',
      'The execution provider in use (1) among those onnxruntime-node knows (0)',
      ['provider'],
    );
    for (const name of EXECUTION_PROVIDERS) provider.set({ provider: name }, name === model.provider ? 1 : 0);
    this.batcher = new MicroBatcher<DetectionFrame, DetectionResult>((frames) => this.runBatch(frames), {
      maxBatchSize: model.maxBatchSize,
      maxWaitMs: this.config.INFERENCE_BATCH_WAIT_MS,
      maxConcurrentBatches: 2,
    });
    this.logger.info(
      {
        model: model.manifest.name,
        provider: model.provider,
        batchSize: model.maxBatchSize,
        batchWaitMs: this.config.INFERENCE_BATCH_WAIT_MS,
      },
      'inference model loaded',
    );
  }

  /**
   * The model's clean prior (manifest `scoring.cleanPrior`): where a new printer's long mean starts. Undefined for a
   * model without one (Obico's weights), when the scoring uses its default.
   */
  get cleanPrior(): number | undefined {
    return this.model.manifest.scoring?.cleanPrior;
  }

  get modelSha(): string {
    if (!this.sha) throw new Error('the inference model is not loaded');
    return this.sha;
  }

  /** Resolves with this frame's own result, whatever batch it travelled in. */
  detect(frame: DetectionFrame): Promise<DetectionResult> {
    if (!this.batcher) return Promise.reject(new Error('the inference runtime is not started'));
    return this.batcher.submit(frame);
  }

  /** Sends the frames waiting now without waiting for B or T, and resolves when their batches are done. */
  async flush(): Promise<void> {
    await this.batcher?.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher?.close();
    await this.loaded?.close();
    this.loaded = null;
  }

  private async runBatch(frames: readonly DetectionFrame[]): Promise<DetectionResult[]> {
    const started = performance.now();
    const results = await this.model.runBatch(frames);
    this.batchSeconds.observe((performance.now() - started) / 1000);
    this.batchSize.observe(frames.length);
    for (const result of results) this.frames.inc({ result: result.ok ? 'scored' : result.error.code });
    return results;
  }
}

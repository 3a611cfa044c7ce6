/**
 * Collects single requests into batches: a batch leaves when it has `maxBatchSize` items or when its oldest item
 * has waited `maxWaitMs`, whichever comes first. Up to `maxConcurrentBatches` batches run at once, so the next batch
 * can be decoded and preprocessed while the current one is inferred. Results are routed back by id, never by
 * position. Time comes from an injected scheduler so tests are deterministic.
 */
export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type BatchRunner<TItem, TResult> = (items: readonly TItem[]) => Promise<readonly TResult[]>;

export interface MicroBatcherOptions {
  /** B: the most items in one batch. */
  maxBatchSize: number;
  /** T: the longest the oldest waiting item waits before a partial batch leaves. */
  maxWaitMs: number;
  /** Batches in flight at once; 2 overlaps preprocessing of one with inference of the other. */
  maxConcurrentBatches?: number;
  /** Waiting items beyond this are refused (backpressure instead of unbounded memory). */
  maxQueuedItems?: number;
}

export class MicroBatcherError extends Error {
  constructor(
    readonly code: 'BATCHER_CLOSED' | 'BATCHER_QUEUE_FULL' | 'BATCHER_DUPLICATE_ID' | 'BATCHER_RESULT_MISSING',
    message: string,
  ) {
    super(message);
    this.name = 'MicroBatcherError';
  }
}

interface Waiting<TItem, TResult> {
  item: TItem;
  arrivedAt: number;
  resolve: (result: TResult) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<TItem extends { id: string }, TResult extends { id: string }> {
  private readonly queue: Waiting<TItem, TResult>[] = [];
  private readonly ids = new Set<string>();
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;
  private readonly maxConcurrentBatches: number;
  private readonly maxQueuedItems: number;
  private timer: unknown = undefined;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private runningBatches = 0;
  private closed = false;
  private flushing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly runner: BatchRunner<TItem, TResult>,
    options: MicroBatcherOptions,
    private readonly scheduler: Scheduler = realScheduler,
  ) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1)
      throw new RangeError('maxBatchSize must be >= 1');
    if (!(options.maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be >= 0');
    this.maxBatchSize = options.maxBatchSize;
    this.maxWaitMs = options.maxWaitMs;
    this.maxConcurrentBatches = Math.max(1, Math.floor(options.maxConcurrentBatches ?? 2));
    this.maxQueuedItems = Math.max(1, Math.floor(options.maxQueuedItems ?? 1000));
  }

  /** Items waiting for a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Batches handed to the runner and not finished yet. */
  get running(): number {
    return this.runningBatches;
  }

  submit(item: TItem): Promise<TResult> {
    if (this.closed) return Promise.reject(new MicroBatcherError('BATCHER_CLOSED', 'the batcher is closed'));
    if (this.queue.length >= this.maxQueuedItems) {
      return Promise.reject(
        new MicroBatcherError('BATCHER_QUEUE_FULL', `${this.queue.length} items are already waiting`),
      );
    }
    if (this.ids.has(item.id)) {
      return Promise.reject(
        new MicroBatcherError('BATCHER_DUPLICATE_ID', `an item with id ${item.id} is already pending`),
      );
    }
    return new Promise<TResult>((resolve, reject) => {
      this.ids.add(item.id);
      this.queue.push({ item, arrivedAt: this.scheduler.now(), resolve, reject });
      this.pump();
    });
  }

  /** Sends whatever waits now, without waiting for B or T, and resolves when every batch has finished. */
  async drain(): Promise<void> {
    this.flushing = true;
    this.pump();
    if (this.queue.length > 0 || this.runningBatches > 0)
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new items, then drains. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private pump(): void {
    while (this.runningBatches < this.maxConcurrentBatches && this.queue.length > 0 && this.headIsReady()) {
      this.dispatch(this.queue.splice(0, this.maxBatchSize));
    }
    this.armTimer();
    if (this.queue.length === 0 && this.runningBatches === 0) {
      this.flushing = this.closed;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }

  private headIsReady(): boolean {
    return (
      this.flushing ||
      this.queue.length >= this.maxBatchSize ||
      this.scheduler.now() - this.queue[0].arrivedAt >= this.maxWaitMs
    );
  }

  /**
   * Keeps at most one timer, set for the moment the oldest waiting item becomes due. An item already due waits for a
   * running batch to finish instead (that completion pumps again), so no zero-delay timer spins meanwhile.
   */
  private armTimer(): void {
    const headDueAt = this.queue.length > 0 ? this.queue[0].arrivedAt + this.maxWaitMs : Number.POSITIVE_INFINITY;
    const dueAt = headDueAt > this.scheduler.now() ? headDueAt : Number.POSITIVE_INFINITY;
    if (dueAt === this.timerDueAt) return;
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = dueAt;
    if (dueAt === Number.POSITIVE_INFINITY) return;
    this.timer = this.scheduler.setTimeout(
      () => {
        this.timer = undefined;
        this.timerDueAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, dueAt - this.scheduler.now()),
    );
  }

  private dispatch(batch: Waiting<TItem, TResult>[]): void {
    this.runningBatches += 1;
    const settle = (results: readonly TResult[] | undefined, error?: unknown) => {
      const byId = new Map<string, TResult>();
      for (const result of results ?? []) byId.set(result.id, result);
      for (const waiting of batch) {
        this.ids.delete(waiting.item.id);
        if (results === undefined) {
          waiting.reject(error);
          continue;
        }
        const result = byId.get(waiting.item.id);
        if (result !== undefined) waiting.resolve(result);
        else waiting.reject(new MicroBatcherError('BATCHER_RESULT_MISSING', `no result for item ${waiting.item.id}`));
      }
      this.runningBatches -= 1;
      this.pump();
    };
    let running: Promise<readonly TResult[]>;
    try {
      running = this.runner(batch.map((w) => w.item));
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (results) => settle(results),
      (error: unknown) => settle(undefined, error),
    );
  }
}

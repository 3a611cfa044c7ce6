import { MicroBatcher, MicroBatcherError, type Scheduler } from './micro-batcher';

/** A clock that only moves when the test says so. */
class ManualScheduler implements Scheduler {
  private time = 0;
  private nextHandle = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.time + ms, callback });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pendingTimers(): number {
    return this.timers.size;
  }
  /** Moves the clock, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const next = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
      await settle();
    }
    this.time = target;
    await settle();
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Item {
  id: string;
  value: number;
}
interface Result {
  id: string;
  doubled: number;
}

/** A runner whose batches the test completes (or fails) by hand, recording what it was given. */
class ControlledRunner {
  readonly batches: string[][] = [];
  private readonly pending: { items: readonly Item[]; resolve: (r: Result[]) => void; reject: (e: unknown) => void }[] =
    [];

  readonly run = (items: readonly Item[]): Promise<Result[]> => {
    this.batches.push(items.map((i) => i.id));
    return new Promise((resolve, reject) => this.pending.push({ items, resolve, reject }));
  };

  get inFlight(): number {
    return this.pending.length;
  }

  async complete(transform: (results: Result[]) => Result[] = (r) => r): Promise<void> {
    const batch = this.pending.shift()!;
    batch.resolve(transform(batch.items.map((i) => ({ id: i.id, doubled: i.value * 2 }))));
    await settle();
  }

  async fail(error: Error): Promise<void> {
    this.pending.shift()!.reject(error);
    await settle();
  }
}

function setup(options: {
  maxBatchSize: number;
  maxWaitMs: number;
  maxConcurrentBatches?: number;
  maxQueuedItems?: number;
}) {
  const scheduler = new ManualScheduler();
  const runner = new ControlledRunner();
  const batcher = new MicroBatcher<Item, Result>(runner.run, options, scheduler);
  return { scheduler, runner, batcher };
}

const item = (id: string, value = 1): Item => ({ id, value });

describe('MicroBatcher', () => {
  it('sends a full batch of B at once, without waiting for T', async () => {
    const { runner, batcher, scheduler } = setup({ maxBatchSize: 3, maxWaitMs: 1000 });
    const results = ['a', 'b', 'c'].map((id, i) => batcher.submit(item(id, i)));
    await settle();
    expect(runner.batches).toEqual([['a', 'b', 'c']]);
    expect(scheduler.pendingTimers).toBe(0);
    await runner.complete();
    await expect(Promise.all(results)).resolves.toEqual([
      { id: 'a', doubled: 0 },
      { id: 'b', doubled: 2 },
      { id: 'c', doubled: 4 },
    ]);
  });

  it('sends a partial batch when its oldest item has waited T', async () => {
    const { runner, batcher, scheduler } = setup({ maxBatchSize: 8, maxWaitMs: 10 });
    const first = batcher.submit(item('a'));
    await scheduler.advance(6);
    const second = batcher.submit(item('b'));
    await scheduler.advance(3); // t = 9
    expect(runner.batches).toEqual([]);
    await scheduler.advance(1); // t = 10: due for 'a', and 'b' rides along
    expect(runner.batches).toEqual([['a', 'b']]);
    await runner.complete();
    await expect(first).resolves.toEqual({ id: 'a', doubled: 2 });
    await expect(second).resolves.toEqual({ id: 'b', doubled: 2 });
  });

  it('routes results by id, whatever order the runner returns them in', async () => {
    const { runner, batcher } = setup({ maxBatchSize: 3, maxWaitMs: 0 });
    const results = [batcher.submit(item('p1', 1)), batcher.submit(item('p2', 2)), batcher.submit(item('p3', 3))];
    await settle();
    // maxWaitMs 0: the first item leaves alone, the next two gather behind it (two batches may run).
    expect(runner.batches).toEqual([['p1'], ['p2']]);
    await runner.complete();
    expect(runner.batches).toEqual([['p1'], ['p2'], ['p3']]);
    await runner.complete((r) => r.reverse());
    await runner.complete();
    await expect(Promise.all(results)).resolves.toEqual([
      { id: 'p1', doubled: 2 },
      { id: 'p2', doubled: 4 },
      { id: 'p3', doubled: 6 },
    ]);
  });

  it('gathers items into a batch while the runner is busy', async () => {
    const { runner, batcher } = setup({ maxBatchSize: 4, maxWaitMs: 0, maxConcurrentBatches: 1 });
    const results = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => batcher.submit(item(id)));
    await settle();
    expect(runner.batches).toEqual([['a']]);
    await runner.complete();
    expect(runner.batches).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    await runner.complete((r) => [r[2], r[0], r[3], r[1]]);
    await runner.complete();
    expect(runner.batches).toEqual([['a'], ['b', 'c', 'd', 'e'], ['f']]);
    await expect(Promise.all(results)).resolves.toHaveLength(6);
  });

  it('never runs more batches at once than allowed, and sends a due batch when one finishes', async () => {
    const { runner, batcher, scheduler } = setup({ maxBatchSize: 2, maxWaitMs: 5, maxConcurrentBatches: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((id) => batcher.submit(item(id)));
    await settle();
    expect(runner.batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    await scheduler.advance(50); // 'e' is due, but both slots are busy
    expect(runner.inFlight).toBe(2);
    expect(scheduler.pendingTimers).toBe(0);
    await runner.complete();
    expect(runner.batches[2]).toEqual(['e']);
    await runner.complete();
    await runner.complete();
    await expect(Promise.all(results)).resolves.toHaveLength(5);
  });

  it('rejects every item of a failed batch and keeps working', async () => {
    const { runner, batcher, scheduler } = setup({ maxBatchSize: 2, maxWaitMs: 100, maxConcurrentBatches: 1 });
    const failed = [batcher.submit(item('a')), batcher.submit(item('b'))];
    const outcomes = failed.map((p) => expect(p).rejects.toThrow('session exploded'));
    await settle();
    expect(runner.batches).toEqual([['a', 'b']]);
    await runner.fail(new Error('session exploded'));
    await Promise.all(outcomes);
    const next = batcher.submit(item('a'));
    await scheduler.advance(100);
    await runner.complete();
    await expect(next).resolves.toEqual({ id: 'a', doubled: 2 });
  });

  it('rejects only the item whose result the runner left out', async () => {
    const { runner, batcher } = setup({ maxBatchSize: 2, maxWaitMs: 100 });
    const [kept, lost] = [batcher.submit(item('kept')), batcher.submit(item('lost'))];
    await settle();
    const lostOutcome = expect(lost).rejects.toMatchObject({ code: 'BATCHER_RESULT_MISSING' });
    await runner.complete((r) => r.filter((x) => x.id === 'kept'));
    await expect(kept).resolves.toEqual({ id: 'kept', doubled: 2 });
    await lostOutcome;
  });

  it('refuses duplicate ids in flight and items beyond the queue limit', async () => {
    const { batcher } = setup({ maxBatchSize: 10, maxWaitMs: 100, maxQueuedItems: 2 });
    void batcher.submit(item('a'));
    await expect(batcher.submit(item('a'))).rejects.toMatchObject({ code: 'BATCHER_DUPLICATE_ID' });
    void batcher.submit(item('b'));
    await expect(batcher.submit(item('c'))).rejects.toBeInstanceOf(MicroBatcherError);
    await expect(batcher.submit(item('c'))).rejects.toMatchObject({ code: 'BATCHER_QUEUE_FULL' });
  });

  it('close sends what waits at once, finishes it, and refuses new items', async () => {
    const { runner, batcher } = setup({ maxBatchSize: 10, maxWaitMs: 60_000 });
    const waiting = batcher.submit(item('late'));
    await settle();
    expect(runner.batches).toEqual([]);
    const closed = batcher.close();
    await settle();
    expect(runner.batches).toEqual([['late']]);
    await runner.complete();
    await closed;
    await expect(waiting).resolves.toEqual({ id: 'late', doubled: 2 });
    await expect(batcher.submit(item('x'))).rejects.toMatchObject({ code: 'BATCHER_CLOSED' });
  });

  it('treats a runner that throws synchronously like a failed batch', async () => {
    const batcher = new MicroBatcher<Item, Result>(
      () => {
        throw new Error('sync failure');
      },
      { maxBatchSize: 1, maxWaitMs: 0 },
      new ManualScheduler(),
    );
    await expect(batcher.submit(item('a'))).rejects.toThrow('sync failure');
    expect(batcher.running).toBe(0);
  });
});

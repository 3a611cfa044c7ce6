import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { REDIS, REDIS_KEYS, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';
import {
  acceptPrintLevel,
  createFailureScoreState,
  markPrintAlerted,
  parseFailureScoreState,
  settlePrint,
  startNewPrint,
  type FailureScoreState,
} from '../scoring';

interface StoredScoreState {
  /** The print the per-print means describe; a frame of another print starts them again. */
  printKey: string;
  state: FailureScoreState;
}

const LOCK_TTL_MS = 5_000;
const LOCK_WAIT_MS = 10_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Each printer's scoring state in Redis (plain JSON, no expiry: the lifetime mean is the printer's memory of its
 * usual noise). Updates of one printer are serialized by a short Redis lock, so inference workers on several hosts
 * never interleave a read and a write of the same state.
 */
@Injectable()
export class ScoreStateStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  async update<T extends { state: FailureScoreState }>(
    printerId: string,
    printKey: string,
    step: (state: FailureScoreState) => T,
  ): Promise<T> {
    const key = this.keys.key('detection', 'score', printerId);
    return this.locked(printerId, key, async () => {
      const stored = await this.read(key);
      let state = stored?.state ?? createFailureScoreState();
      if (stored && stored.printKey !== printKey) state = startNewPrint(state);
      const result = step(state);
      await this.redis.set(key, JSON.stringify({ printKey, state: result.state } satisfies StoredScoreState));
      return result;
    });
  }

  /** An alert was raised in this print: its frames leave the printer's baseline unless the print ends well. */
  markAlerted(printerId: string, printKey: string): Promise<boolean> {
    return this.modify(printerId, printKey, (state) => markPrintAlerted(state, true));
  }

  /** The operator called this print's alert a false alarm: its frames may teach the baseline, its level is normal. */
  markFalseAlarm(printerId: string, printKey: string): Promise<boolean> {
    return this.modify(printerId, printKey, (state) => acceptPrintLevel(markPrintAlerted(state, false)));
  }

  /**
   * The print ended (or was marked a failure): its frames stay in the printer's long mean only when it was not a
   * failure. `printKey` null settles whatever print the printer is on (an end event does not name Farmhand's key).
   */
  settle(printerId: string, printKey: string | null, outcome: 'done' | 'failed' | 'cancelled'): Promise<boolean> {
    return this.modify(printerId, printKey, (state) =>
      settlePrint(state, outcome === 'done' || (outcome === 'cancelled' && !state.printAlerted)),
    );
  }

  /** Changes the stored state of the printer's current print; false when there is none or it is another print. */
  private modify(
    printerId: string,
    printKey: string | null,
    change: (state: FailureScoreState) => FailureScoreState,
  ): Promise<boolean> {
    const key = this.keys.key('detection', 'score', printerId);
    return this.locked(printerId, key, async () => {
      const stored = await this.read(key);
      if (!stored || (printKey !== null && stored.printKey !== printKey)) return false;
      const state = change(stored.state);
      await this.redis.set(key, JSON.stringify({ printKey: stored.printKey, state } satisfies StoredScoreState));
      return true;
    });
  }

  private async locked<T>(printerId: string, key: string, work: () => Promise<T>): Promise<T> {
    const lock = `${key}:lock`;
    const token = randomUUID();
    const deadline = Date.now() + LOCK_WAIT_MS;
    while ((await this.redis.set(lock, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new Error(`scoring state of printer ${printerId} stays locked`);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE, 1, lock, token);
    }
  }

  async get(printerId: string): Promise<StoredScoreState | null> {
    return this.read(this.keys.key('detection', 'score', printerId));
  }

  private async read(key: string): Promise<StoredScoreState | null> {
    const json = await this.redis.get(key);
    if (!json) return null;
    try {
      const value = JSON.parse(json) as { printKey?: unknown; state?: unknown };
      if (typeof value.printKey !== 'string') return null;
      return { printKey: value.printKey, state: parseFailureScoreState(value.state) };
    } catch {
      // A state that no longer parses (a new version) starts over rather than blocking the printer's detection.
      return null;
    }
  }
}

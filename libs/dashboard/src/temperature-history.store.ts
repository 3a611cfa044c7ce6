import { Inject, Injectable } from '@nestjs/common';
import { REDIS, REDIS_KEYS, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';
import type { PrinterLive } from './dashboard.messages';

/** The history the printer page's chart shows. */
export const TEMPERATURE_WINDOW_MS = 30 * 60_000;
/** A steady reading is kept this often; a changed target at once. */
export const TEMPERATURE_SAMPLE_EVERY_MS = 10_000;
/** The most samples kept per printer: a 30-minute window at one per 10 s, plus room for target changes. */
export const TEMPERATURE_MAX_SAMPLES = 240;

export type TemperatureReading = Pick<PrinterLive, 'toolActual' | 'toolTarget' | 'bedActual' | 'bedTarget'>;
export interface TemperatureSample extends TemperatureReading {
  /** Epoch milliseconds. */
  at: number;
}

/** Stored compactly: [at, toolActual, toolTarget, bedActual, bedTarget]. */
type StoredSample = [number, number | null, number | null, number | null, number | null];

const sameTargets = (a: TemperatureReading, b: TemperatureReading) =>
  a.toolTarget === b.toolTarget && a.bedTarget === b.bedTarget;

/**
 * A short temperature history per printer in Redis (one capped list, expiring with the window), so the printer page's
 * chart opens full on any api instance. Written by the instance holding the agent's socket, at most one sample per
 * printer every TEMPERATURE_SAMPLE_EVERY_MS (or when a target changes), never per status frame.
 */
@Injectable()
export class TemperatureHistoryStore {
  /** The last sample this instance stored per printer (the throttle); forgotten when the agent goes offline. */
  private readonly last = new Map<string, TemperatureSample>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  private key(printerId: string): string {
    return this.keys.key('dashboard', 'temperatures', printerId);
  }

  async record(printerId: string, reading: TemperatureReading, now = Date.now()): Promise<void> {
    const previous = this.last.get(printerId);
    if (previous && now - previous.at < TEMPERATURE_SAMPLE_EVERY_MS && sameTargets(previous, reading)) return;
    const sample: TemperatureSample = { at: now, ...reading };
    this.last.set(printerId, sample);
    const stored: StoredSample = [now, reading.toolActual, reading.toolTarget, reading.bedActual, reading.bedTarget];
    await this.redis
      .multi()
      .rpush(this.key(printerId), JSON.stringify(stored))
      .ltrim(this.key(printerId), -TEMPERATURE_MAX_SAMPLES, -1)
      .pexpire(this.key(printerId), TEMPERATURE_WINDOW_MS)
      .exec();
  }

  forget(printerId: string): void {
    this.last.delete(printerId);
  }

  /** The samples of the last 30 minutes, oldest first; unreadable entries are skipped. */
  async read(printerId: string, now = Date.now()): Promise<TemperatureSample[]> {
    const values = await this.redis.lrange(this.key(printerId), 0, -1);
    const samples: TemperatureSample[] = [];
    for (const value of values) {
      try {
        const parsed = JSON.parse(value) as unknown;
        if (!Array.isArray(parsed) || parsed.length !== 5 || typeof parsed[0] !== 'number') continue;
        const [at, toolActual, toolTarget, bedActual, bedTarget] = parsed as StoredSample;
        if (at < now - TEMPERATURE_WINDOW_MS) continue;
        samples.push({ at, toolActual, toolTarget, bedActual, bedTarget });
      } catch {
        // skipped
      }
    }
    return samples;
  }
}

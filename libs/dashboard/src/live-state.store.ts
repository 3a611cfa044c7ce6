import { Inject, Injectable } from '@nestjs/common';
import { REDIS, REDIS_KEYS, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';
import { OFFLINE_LIVE, type PrinterLive } from './dashboard.messages';

/**
 * A live entry older than this is not trusted on resync: its agent's api instance may have died without saying.
 * Agents send a status heartbeat at least every 30 s (apps/agent/README.md), so a live printer is never this old.
 */
export const LIVE_STATE_STALE_MS = 2 * 60_000;
const KEY_TTL_SECONDS = 24 * 3600;

interface StoredLive {
  live: PrinterLive;
  at: number;
}

/**
 * The dashboard's view of each printer's live state, one Redis hash per organization, so that a browser
 * connecting to any api instance gets the current picture. Written at most a few times a second per
 * organization (already coalesced), never per status frame.
 */
@Injectable()
export class LiveStateStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  private key(orgId: string): string {
    return this.keys.key('dashboard', 'live', orgId);
  }

  async getMany(orgId: string, printerIds: string[], now = Date.now()): Promise<Map<string, PrinterLive>> {
    const found = new Map<string, PrinterLive>();
    if (!printerIds.length) return found;
    const values = await this.redis.hmget(this.key(orgId), ...printerIds);
    values.forEach((value, index) => {
      if (!value) return;
      try {
        const stored = JSON.parse(value) as StoredLive;
        found.set(
          printerIds[index]!,
          now - stored.at > LIVE_STATE_STALE_MS ? OFFLINE_LIVE : { ...OFFLINE_LIVE, ...stored.live },
        );
      } catch {
        // an unreadable entry is treated as unknown
      }
    });
    return found;
  }

  async setMany(orgId: string, entries: Array<[string, PrinterLive]>, now = Date.now()): Promise<void> {
    if (!entries.length) return;
    const key = this.key(orgId);
    const flat = entries.flatMap(([id, live]) => [id, JSON.stringify({ live, at: now } satisfies StoredLive)]);
    await this.redis
      .multi()
      .hset(key, ...flat)
      .expire(key, KEY_TTL_SECONDS)
      .exec();
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { REDIS, REDIS_KEYS, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';
import { AGENT_OFFLINE_PATCH, OFFLINE_LIVE, type PrinterLive } from './dashboard.messages';

/**
 * A live entry whose agent has not reported for this long is not trusted on resync: its agent's api instance may
 * have died without saying. Agents send a status heartbeat at least every 30 s (apps/agent/README.md), so a live
 * printer is never this old.
 */
export const LIVE_STATE_STALE_MS = 2 * 60_000;
const KEY_TTL_SECONDS = 24 * 3600;
/** Printers merged per Redis call. */
const MERGE_CHUNK = 1_000;

interface StoredLive {
  live: Partial<PrinterLive>;
  /** When the agent last reported (epoch ms); 0 when only the detector wrote. */
  at: number;
}

/** One printer's patch; `fromAgent` marks the agent as heard from now (the staleness clock). */
export interface LivePatch {
  printerId: string;
  patch: Partial<PrinterLive>;
  fromAgent: boolean;
}

/**
 * Merges patches into the stored entries in one atomic step: the api instance holding an agent and the process
 * scoring its frames write different fields of one printer, and neither may overwrite the other's.
 */
const MERGE_SCRIPT = `
local now = tonumber(ARGV[1])
for i = 3, #ARGV, 3 do
  local entry = nil
  local stored = redis.call('HGET', KEYS[1], ARGV[i])
  if stored then
    local ok, decoded = pcall(cjson.decode, stored)
    if ok and type(decoded) == 'table' and type(decoded.live) == 'table' then entry = decoded end
  end
  if not entry then entry = { live = {}, at = 0 } end
  for field, value in pairs(cjson.decode(ARGV[i + 1])) do entry.live[field] = value end
  if ARGV[i + 2] == '1' then entry.at = now end
  redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(entry))
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

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
        const live: PrinterLive = { ...OFFLINE_LIVE, ...stored.live };
        // A silent agent reads as offline; what the detector wrote stays.
        found.set(
          printerIds[index]!,
          now - stored.at > LIVE_STATE_STALE_MS ? { ...live, ...AGENT_OFFLINE_PATCH } : live,
        );
      } catch {
        // an unreadable entry is treated as unknown
      }
    });
    return found;
  }

  /** Merges each patch into its printer's entry (fields not in the patch keep their stored value). */
  async merge(orgId: string, patches: LivePatch[], now = Date.now()): Promise<void> {
    const key = this.key(orgId);
    for (let index = 0; index < patches.length; index += MERGE_CHUNK) {
      const args: (string | number)[] = [now, KEY_TTL_SECONDS];
      for (const { printerId, patch, fromAgent } of patches.slice(index, index + MERGE_CHUNK))
        args.push(printerId, JSON.stringify(patch), fromAgent ? '1' : '0');
      await this.redis.eval(MERGE_SCRIPT, 1, key, ...args);
    }
  }
}

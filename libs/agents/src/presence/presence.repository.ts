import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { REDIS, REDIS_KEYS, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';
import { AGENT_LIMITS } from '../agents.limits';

/** A printer's live record in Redis (one hash per printer, expiring unless its agent keeps talking). */
export interface PresenceRecord {
  socketId: string;
  instanceId: string;
  orgId: string;
  connectedAt: number;
  lastSeenAt: number;
  hello: string | null;
  status: string | null;
}

// Claims the record for a new connection; answers the socket id that held it before (nil when none).
const CLAIM = `
local previous = redis.call('HGET', KEYS[1], 'socket')
redis.call('HSET', KEYS[1], 'socket', ARGV[1], 'instance', ARGV[2], 'org', ARGV[3], 'connectedAt', ARGV[4], 'lastSeenAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return previous`;

// Writes a field for the connection that owns the record (re-claiming an expired one); 0 when another owns it.
const WRITE = `
local owner = redis.call('HGET', KEYS[1], 'socket')
if owner and owner ~= ARGV[1] then return 0 end
if not owner then
  redis.call('HSET', KEYS[1], 'socket', ARGV[1], 'instance', ARGV[2], 'org', ARGV[3], 'connectedAt', ARGV[4])
end
redis.call('HSET', KEYS[1], ARGV[6], ARGV[7], 'lastSeenAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

// Deletes the record if this connection owns it: 1 released, 0 absent (expired), -1 held by a newer connection.
const RELEASE = `
local owner = redis.call('HGET', KEYS[1], 'socket')
if not owner then return 0 end
if owner ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1])
return 1`;

type ScriptedRedis = Redis & {
  farmhandAgentClaim(key: string, ...args: string[]): Promise<string | null>;
  farmhandAgentWrite(key: string, ...args: string[]): Promise<number>;
  farmhandAgentRelease(key: string, socketId: string): Promise<number>;
};

export type ReleaseOutcome = 'released' | 'absent' | 'replaced';

/**
 * Presence and live state in Redis, shared by every api instance. Writes are compare-and-set on the owning socket
 * id (Lua), so a replaced or stale connection can neither overwrite the live state nor mark its printer offline.
 */
@Injectable()
export class PresenceRepository implements OnModuleInit {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  onModuleInit(): void {
    const scripted = this.redis as unknown as Partial<ScriptedRedis>;
    if (scripted.farmhandAgentClaim) return;
    this.redis.defineCommand('farmhandAgentClaim', { numberOfKeys: 1, lua: CLAIM });
    this.redis.defineCommand('farmhandAgentWrite', { numberOfKeys: 1, lua: WRITE });
    this.redis.defineCommand('farmhandAgentRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  private get scripts(): ScriptedRedis {
    return this.redis as ScriptedRedis;
  }

  liveKey(printerId: string): string {
    return this.keys.key('agents', 'live', printerId);
  }

  /** Returns the socket id of the connection that held the record before, if any. */
  claim(printerId: string, orgId: string, socketId: string, instanceId: string, now: number): Promise<string | null> {
    return this.scripts.farmhandAgentClaim(
      this.liveKey(printerId),
      socketId,
      instanceId,
      orgId,
      String(now),
      String(AGENT_LIMITS.presenceTtlMs),
    );
  }

  /** Writes `hello` or `status` (JSON) for the owning connection; false when a newer connection owns the record. */
  async write(
    printerId: string,
    orgId: string,
    socketId: string,
    instanceId: string,
    field: 'hello' | 'status',
    json: string,
    now: number,
  ): Promise<boolean> {
    const written = await this.scripts.farmhandAgentWrite(
      this.liveKey(printerId),
      socketId,
      instanceId,
      orgId,
      String(now),
      String(AGENT_LIMITS.presenceTtlMs),
      field,
      json,
    );
    return written === 1;
  }

  async release(printerId: string, socketId: string): Promise<ReleaseOutcome> {
    const outcome = await this.scripts.farmhandAgentRelease(this.liveKey(printerId), socketId);
    return outcome === 1 ? 'released' : outcome === 0 ? 'absent' : 'replaced';
  }

  async exists(printerId: string): Promise<boolean> {
    return (await this.redis.exists(this.liveKey(printerId))) === 1;
  }

  async read(printerId: string): Promise<PresenceRecord | null> {
    return toRecord(await this.redis.hgetall(this.liveKey(printerId)));
  }

  /** One pipelined round trip per 500 printers. */
  async readMany(printerIds: string[]): Promise<Map<string, PresenceRecord>> {
    const found = new Map<string, PresenceRecord>();
    for (let start = 0; start < printerIds.length; start += 500) {
      const chunk = printerIds.slice(start, start + 500);
      const pipeline = this.redis.pipeline();
      for (const id of chunk) pipeline.hgetall(this.liveKey(id));
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([error, value], index) => {
        const record = error ? null : toRecord(value as Record<string, string>);
        if (record) found.set(chunk[index]!, record);
      });
    }
    return found;
  }

  /** True the first time an event id of this printer is seen (ids are scoped per printer: no cross-agent hiding). */
  async firstDelivery(printerId: string, eventId: string): Promise<boolean> {
    const key = this.keys.key('agents', 'event', printerId, eventId);
    return (await this.redis.set(key, '1', 'EX', AGENT_LIMITS.eventDedupeSeconds, 'NX')) === 'OK';
  }

  async rememberRevoked(printerId: string, credentialIds: string[]): Promise<void> {
    if (credentialIds.length === 0) return;
    const key = this.keys.key('agents', 'revoked', printerId);
    await this.redis
      .multi()
      .sadd(key, ...credentialIds)
      .expire(key, AGENT_LIMITS.revocationMemorySeconds)
      .exec();
  }

  async wasRevoked(printerId: string, credentialId: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.key('agents', 'revoked', printerId), credentialId)) === 1;
  }
}

function toRecord(hash: Record<string, string> | null | undefined): PresenceRecord | null {
  if (!hash || !hash.socket) return null;
  return {
    socketId: hash.socket,
    instanceId: hash.instance ?? '',
    orgId: hash.org ?? '',
    connectedAt: Number(hash.connectedAt ?? 0),
    lastSeenAt: Number(hash.lastSeenAt ?? 0),
    hello: hash.hello ?? null,
    status: hash.status ?? null,
  };
}

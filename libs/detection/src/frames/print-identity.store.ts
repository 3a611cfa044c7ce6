import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { AgentsEventMap } from '@farmhand/agents';
import { REDIS, REDIS_KEYS, type RedisKeys } from '@farmhand/core';
import type { Redis } from 'ioredis';

const ENDED = ['done', 'failed', 'cancelled'];
/** A print longer than this is unusual; the marker expires so a lost "ended" event cannot pin it for ever. */
const MARKER_TTL_SECONDS = 14 * 24 * 3600;

/**
 * Which print a frame belongs to when Farmhand did not start it: the id of the printer's last `print.started` event
 * (kept in Redis, written on the api instance that received the event, read by any instance).
 */
@Injectable()
export class PrintIdentityStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
  ) {}

  @OnEvent('printer.printEvent')
  async onPrintEvent(event: AgentsEventMap['printer.printEvent']): Promise<void> {
    const key = this.keys.key('detection', 'print', event.printerId);
    if (event.type === 'started') await this.redis.set(key, event.eventId, 'EX', MARKER_TTL_SECONDS);
    else if (ENDED.includes(event.type)) await this.redis.del(key);
  }

  currentPrint(printerId: string): Promise<string | null> {
    return this.redis.get(this.keys.key('detection', 'print', printerId));
  }
}

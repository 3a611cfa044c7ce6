import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { createRedis } from '../redis/redis.module';

/**
 * The socket.io Redis adapter over a pub/sub pair. The adapter drops the promises of the commands it sends (PUBLISH
 * per broadcast, SUBSCRIBE per namespace, UNSUBSCRIBE at close); when Redis goes away, commands in flight reject
 * ("Connection is closed") with nobody listening. Every command of these two clients therefore gets a handler (a
 * lost command is logged once per outage; live state resyncs) while callers that await still see the rejection.
 */
export function redisSocketAdapter(pub: Redis, sub: Redis, prefix: string, onLost?: (error: unknown) => void) {
  for (const client of [pub, sub]) handleEveryCommand(client, onLost);
  return createAdapter(pub, sub, { key: `${prefix}:io` });
}

function handleEveryCommand(client: Redis, onLost?: (error: unknown) => void): void {
  let reported = false;
  client.on('ready', () => (reported = false));
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: Parameters<Redis['sendCommand']>[0], ...rest: unknown[]) => {
    command.promise.catch((error: unknown) => {
      if (!reported) onLost?.(error);
      reported = true;
    });
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as Redis['sendCommand'];
}

/** Limits every socket.io server of the api shares: payload size and ping timing. */
export const SOCKET_MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * socket.io across api instances: events emitted on one instance reach sockets connected to any other, through
 * Redis pub/sub.
 */
export class RedisIoAdapter extends IoAdapter {
  private pub?: Redis;
  private sub?: Redis;
  private closing?: Promise<void>;

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    this.pub ??= createRedis(this.redisUrl, 'farmhand-io-pub', { messaging: true });
    this.sub ??= this.pub.duplicate({ connectionName: 'farmhand-io-sub' });
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      cors: { origin: false },
    } as ServerOptions);
    server.adapter(redisSocketAdapter(this.pub, this.sub, this.prefix));
    return server;
  }

  /**
   * Nest closes the shared server once per gateway; closing it again after Redis quit would make the namespace
   * adapters' unsubscribe calls reject unhandled, so the first close does it all and the others wait for it.
   */
  override close(server: Server): Promise<void> {
    this.closing ??= (async () => {
      await super.close(server);
      await Promise.all([this.pub?.quit().catch(() => undefined), this.sub?.quit().catch(() => undefined)]);
    })();
    return this.closing;
  }
}

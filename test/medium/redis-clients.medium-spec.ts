import { createRedis, redisSocketAdapter } from '@farmhand/core';
import { REDIS_URL, testRedisPrefix } from '@farmhand/testing';
import { Server } from 'socket.io';

/**
 * The adapters' clients report every command Redis refuses or drops. Connecting is not one of them: Redis before
 * 7.2 has no `CLIENT SETINFO`, which ioredis sends at connect unless told not to, and every process then logged
 * "lost a publish" at start (on Redis 7.2+ this passes either way).
 */
describe('socket.io Redis adapter clients', () => {
  it('report nothing lost when they connect and publish', async () => {
    const lost: unknown[] = [];
    const pub = createRedis(REDIS_URL, 'farmhand-test-pub', { messaging: true });
    const sub = pub.duplicate({ connectionName: 'farmhand-test-sub' });
    const server = new Server();
    try {
      server.adapter(redisSocketAdapter(pub, sub, testRedisPrefix(), (error) => lost.push(error)));
      // A PING behind the adapter's SUBSCRIBE: once it answers, the connect-time commands have all been answered.
      await Promise.all([pub.ping(), sub.ping()]);
      server.of('/').emit('hello', 1);
      await pub.ping();
      expect(lost).toEqual([]);
    } finally {
      // No HTTP server to close: the namespace's adapter unsubscribes.
      await server.of('/').adapter.close();
      await Promise.all([pub.quit(), sub.quit()]);
    }
  });
});

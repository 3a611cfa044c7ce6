import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpClient } from '@farmhand/testing';
import { createTestDatabase, REDIS_URL, TEST_SECRET_KEY, testRedisPrefix, type TestDatabase } from '@farmhand/testing';
import pino from 'pino';
import { OctoPrintClient } from '../../../apps/agent/src/octoprint/octoprint.client';
import { AgentRuntime } from '../../../apps/agent/src/runtime/agent-runtime';
import type { BackoffPolicy } from '../../../apps/agent/src/runtime/backoff';
import type { OctoPrintFarm } from '../../../apps/printer-sim/src/octoprint/octoprint-farm';
import { SIM_API_KEY } from '../../agents/agent-harness';

export const SECRET_KEY = TEST_SECRET_KEY;
/** Test agents retry fast after an outage. */
export const FAST_BACKOFF: BackoffPolicy = { baseMs: 100, capMs: 1_000 };
/** So slow that only the server's `server_closing` hint can bring an agent back within a test's wait. */
export const GLACIAL_BACKOFF: BackoffPolicy = { baseMs: 10 * 60_000, capMs: 10 * 60_000 };

/** One database, one Redis prefix and one data directory shared by every process of a test file. */
export interface SharedBackends {
  database: TestDatabase;
  redisPrefix: string;
  dataDir: string;
  drop(): Promise<void>;
}

export async function sharedBackends(): Promise<SharedBackends> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'farmhand-operations-'));
  return {
    database,
    redisPrefix: testRedisPrefix(),
    dataDir,
    drop: async () => {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment of every role process: fast scheduler, short job locks so a killed worker's job returns soon. */
export function roleEnvironment(shared: SharedBackends, publicUrl: string): Record<string, string> {
  return {
    DATABASE_URL: shared.database.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL,
    REDIS_PREFIX: shared.redisPrefix,
    SECRET_KEY,
    // Every test client signs up from 127.0.0.1; the sign-up throttle has its own tests (throttles.medium-spec).
    SIGNUP_MAX_PER_CLIENT: '10000',
    PUBLIC_URL: publicUrl,
    DATA_DIR: shared.dataDir,
    SCHEDULER_TICK_SECONDS: '2',
    SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '100',
    QUEUE_LOCK_DURATION_MS: '3000',
    SHUTDOWN_GRACE_MS: '20000',
  };
}

/** The real agent runtime against a simulated printer, with the given reconnect backoff. */
export async function startAgentWith(
  serverUrl: string,
  farm: OctoPrintFarm,
  index: number,
  credential: string,
  backoff: BackoffPolicy,
): Promise<AgentRuntime> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const backend = new OctoPrintClient({ baseUrl: farm.url(index), apiKey: SIM_API_KEY, logger, pollIntervalMs: 200 });
  const runtime = new AgentRuntime({
    serverUrl,
    credential,
    backend,
    logger,
    backoff,
    statusMinIntervalMs: 50,
    statusRoutineIntervalMs: 200,
    idleFrameIntervalSeconds: 0,
    frameIntervalSeconds: 3_600,
  });
  await runtime.start();
  return runtime;
}

/** Counts prints each simulated printer started (OctoPrint's `PrintStarted`), whoever started them. */
export function countPrintStarts(farm: OctoPrintFarm, printers: number): number[] {
  const counts = new Array<number>(printers).fill(0);
  for (let index = 0; index < printers; index++) {
    farm.printer(index).on('event', (event: { type: string }) => {
      if (event.type === 'PrintStarted') counts[index]! += 1;
    });
  }
  return counts;
}

/** Resolves with the connection's fate: `refused` when nothing listens on the port any more. */
export function tcpConnect(port: number): Promise<'connected' | 'refused'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', () => resolve('refused'));
  });
}

/** A client for another instance (or the same one) signing requests with the same session. */
export function withSession(client: HttpClient, other: HttpClient): HttpClient {
  const session = client.cookie('fh_session');
  if (session) other.setCookie('fh_session', session);
  return other;
}

/**
 * A request body that trickles out: `chunks` pieces of `text`, one every `intervalMs` (a large upload over a slow
 * link). `sent()` says how many pieces went out.
 */
export function tricklingBody(text: string, chunks: number, intervalMs: number) {
  const bytes = Buffer.from(text);
  const size = Math.ceil(bytes.length / chunks);
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      const piece = bytes.subarray(index * size, (index + 1) * size);
      index += 1;
      if (piece.length === 0) controller.close();
      else controller.enqueue(new Uint8Array(piece));
    },
  });
  return { stream, sent: () => index };
}

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { REDACTED_PATHS, loadConfig, type AppConfig } from '@farmhand/core';
import {
  HttpClient,
  REDIS_URL,
  createTestDatabase,
  testRedisPrefix,
  type ApiHarness,
  type TestDatabase,
} from '@farmhand/testing';
import type { INestApplicationContext } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createWorker } from '../../apps/worker/src/bootstrap';

/** Every log line of a process, at the most verbose level, kept in memory (to prove secrets never reach them). */
export interface CapturedLogs {
  logger: Logger;
  lines: string[];
}

export function captureLogs(role: string): CapturedLogs {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  // The production logger's options (createLogger), with a destination the test reads.
  const logger = pino(
    { level: 'trace', base: { role }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    stream,
  );
  return { logger, lines };
}

export interface Farm {
  api: ApiHarness;
  worker: INestApplicationContext | null;
  /** Everything both processes logged so far. */
  logs(): string;
  close(): Promise<void>;
}

/** The real api (and optionally the real worker) on one database and Redis prefix, both logging into memory. */
export async function startFarm(overrides: Record<string, string>, options: { worker: boolean }): Promise<Farm> {
  const database: TestDatabase = await createTestDatabase();
  const config: AppConfig = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL,
    REDIS_PREFIX: testRedisPrefix(),
    LOG_LEVEL: 'trace',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    ...overrides,
  });
  const apiLogs = captureLogs('api-test');
  const app = await createApiApp(config, apiLogs.logger);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const workerLogs = captureLogs('worker-test');
  const worker = options.worker ? await createWorker(config, workerLogs.logger) : null;
  const api: ApiHarness = {
    app,
    url,
    config,
    database,
    port,
    client: () => new HttpClient(url),
    close: async () => {
      await app.close();
    },
  };
  return {
    api,
    worker,
    logs: () => [...apiLogs.lines, ...workerLogs.lines].join(''),
    close: async () => {
      await worker?.close();
      await app.close();
      await database.drop();
    },
  };
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver: records every request, answers with what `respond` says (default 200). */
export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  respond: (request: ReceivedRequest) => number = () => 200;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = { path: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() };
        this.requests.push(received);
        const status = this.respond(received);
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'receiver says no');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs` naming what it waited for. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

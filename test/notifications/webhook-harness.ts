import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureLogs, startApi, startWorker, type ApiHarness } from '@farmhand/testing';
import type { INestApplicationContext } from '@nestjs/common';

export interface Farm {
  api: ApiHarness;
  worker: INestApplicationContext | null;
  /** Everything both processes logged so far. */
  logs(): string;
  close(): Promise<void>;
}

/** The real api (and optionally the real worker) on one database and Redis prefix, both logging into memory. */
export async function startFarm(overrides: Record<string, string>, options: { worker: boolean }): Promise<Farm> {
  const apiLogs = captureLogs('api-test');
  const workerLogs = captureLogs('worker-test');
  const settings = { LOG_LEVEL: 'trace', ...overrides };
  const api = await startApi(settings, { logger: apiLogs.logger });
  const worker = options.worker ? await startWorker(settings, { api, logger: workerLogs.logger }) : null;
  return {
    api,
    worker: worker?.app ?? null,
    logs: () => [...apiLogs.lines, ...workerLogs.lines].join(''),
    close: async () => {
      await worker?.close();
      await api.close();
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
  /** The answer's body (platform APIs answer JSON such as `{"ok":true}`). */
  answer: (request: ReceivedRequest) => string = () => 'ok';
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
        response
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status < 300 ? this.answer(received) : 'receiver says no');
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

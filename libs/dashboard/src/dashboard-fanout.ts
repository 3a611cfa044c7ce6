import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, LOGGER, createRedis, redisSocketAdapter, type AppConfig } from '@farmhand/core';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server, type Namespace } from 'socket.io';
import type { PrinterLive } from './dashboard.messages';
import { DASHBOARD_NAMESPACE } from './dashboard.messages';
import type { OrgEventsBatch } from './org-events';

/** Server-side events between processes on the `/dashboard` namespace (socket.io never loops them back). */
export const FANOUT_EVENTS = { patches: 'dashboard:patches', orgEvents: 'dashboard:orgEvents' } as const;

/** Changed live fields of an organization's printers, each with its fleet (for filtering per socket). */
export interface PrinterBatch {
  orgId: string;
  printers: Array<{ id: string; fleetId: string; patch: Partial<PrinterLive> }>;
}

/** The api's browsers (DashboardSubscribers): what a batch published in this process is handed to directly. */
export interface FanoutReceiver {
  deliver(batch: PrinterBatch): void;
  deliverOrgEvents(batch: OrgEventsBatch): void;
}

/**
 * Carries dashboard batches to every api instance through socket.io's Redis adapter. The api attaches its
 * `/dashboard` namespace (and its browsers, which get this process's batches directly); the worker and the inference
 * role join the adapter with a socket-less server, as the agents' command bus does.
 */
@Injectable()
export class DashboardFanout implements OnApplicationShutdown {
  private namespace: Namespace | null = null;
  private receiver: FanoutReceiver | null = null;
  private standalone: { server: Server; pub: Redis; sub: Redis } | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'REDIS_URL' | 'REDIS_PREFIX'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The api's gateway namespace: batches from other processes arrive on it and go to the local browsers. */
  attach(namespace: Namespace, receiver: FanoutReceiver): void {
    this.namespace = namespace;
    this.receiver = receiver;
    namespace.on(FANOUT_EVENTS.patches, (batch: PrinterBatch) => receiver.deliver(batch));
    namespace.on(FANOUT_EVENTS.orgEvents, (batch: OrgEventsBatch) => receiver.deliverOrgEvents(batch));
  }

  publishPatches(batch: PrinterBatch): void {
    this.receiver?.deliver(batch);
    this.emit(FANOUT_EVENTS.patches, batch);
  }

  publishOrgEvents(batch: OrgEventsBatch): void {
    this.receiver?.deliverOrgEvents(batch);
    this.emit(FANOUT_EVENTS.orgEvents, batch);
  }

  async onApplicationShutdown(): Promise<void> {
    const standalone = this.standalone;
    this.standalone = null;
    if (!standalone) return;
    // A socket-less server has no engine to close: close the adapter alone, then quit Redis.
    await Promise.resolve(standalone.server.of(DASHBOARD_NAMESPACE).adapter.close()).catch(() => undefined);
    await Promise.all([standalone.pub.quit().catch(() => undefined), standalone.sub.quit().catch(() => undefined)]);
  }

  private emit(event: string, payload: unknown): void {
    try {
      this.target().serverSideEmit(event, payload);
    } catch (error) {
      this.logger.warn({ err: error }, 'dashboard fan-out failed');
    }
  }

  private target(): Namespace {
    if (this.namespace) return this.namespace;
    if (!this.standalone) {
      const pub = createRedis(this.config.REDIS_URL, 'farmhand-dashboard-pub', { messaging: true });
      const sub = pub.duplicate({ connectionName: 'farmhand-dashboard-sub' });
      const server = new Server();
      server.adapter(
        redisSocketAdapter(pub, sub, this.config.REDIS_PREFIX, (error) =>
          this.logger.warn({ err: error }, 'dashboard fan-out lost a publish'),
        ),
      );
      this.standalone = { server, pub, sub };
    }
    return this.standalone.server.of(DASHBOARD_NAMESPACE);
  }
}

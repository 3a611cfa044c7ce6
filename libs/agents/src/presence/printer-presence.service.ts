import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@farmhand/core';
import type { Hello, Status } from '@farmhand/protocol';
import type { Logger } from 'pino';
import { PresenceRepository, type PresenceRecord } from './presence.repository';

/** What Farmhand knows live about a connected printer (from Redis; gone a little after its agent goes). */
export interface LivePrinterState {
  printerId: string;
  orgId: string;
  /** Epoch milliseconds. */
  connectedAt: number;
  lastSeenAt: number;
  agent: Pick<
    Hello,
    'agentVersion' | 'backend' | 'backendAddress' | 'backendVersion' | 'capabilities' | 'hostname'
  > | null;
  /** The last status the agent sent (validated when it arrived); null until the first one. */
  status: Status | null;
}

/** Presence and live state for any role (api, worker): reads Redis, which every api instance writes. */
@Injectable()
export class PrinterPresenceService {
  constructor(
    private readonly presence: PresenceRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  isOnline(printerId: string): Promise<boolean> {
    return this.presence.exists(printerId);
  }

  async getLive(printerId: string): Promise<LivePrinterState | null> {
    const record = await this.presence.read(printerId);
    return record ? this.toLive(printerId, record) : null;
  }

  async getLiveMany(printerIds: string[]): Promise<Map<string, LivePrinterState>> {
    const records = await this.presence.readMany([...new Set(printerIds)]);
    const live = new Map<string, LivePrinterState>();
    for (const [printerId, record] of records) live.set(printerId, this.toLive(printerId, record));
    return live;
  }

  private toLive(printerId: string, record: PresenceRecord): LivePrinterState {
    const hello = this.parse<Hello>(record.hello, printerId);
    return {
      printerId,
      orgId: record.orgId,
      connectedAt: record.connectedAt,
      lastSeenAt: record.lastSeenAt,
      agent: hello
        ? {
            agentVersion: hello.agentVersion,
            backend: hello.backend,
            backendAddress: hello.backendAddress,
            backendVersion: hello.backendVersion,
            capabilities: hello.capabilities,
            hostname: hello.hostname,
          }
        : null,
      status: this.parse<Status>(record.status, printerId),
    };
  }

  /** Only validated messages are stored, so a parse failure means a foreign writer: report and ignore it. */
  private parse<T>(json: string | null, printerId: string): T | null {
    if (json === null) return null;
    try {
      return JSON.parse(json) as T;
    } catch {
      this.logger.warn({ printerId }, 'unreadable live state in Redis');
      return null;
    }
  }
}

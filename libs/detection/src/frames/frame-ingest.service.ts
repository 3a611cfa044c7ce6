import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PrinterPresenceService } from '@farmhand/agents';
import { defineAbilityFor, type AgentPrincipal } from '@farmhand/authz';
import {
  APP_CONFIG,
  DomainException,
  JobQueue,
  LOGGER,
  REDIS,
  REDIS_KEYS,
  sha256Hex,
  type AppConfig,
  type RedisKeys,
} from '@farmhand/core';
import { DashboardPublisher } from '@farmhand/dashboard';
import { CopyDirectory } from '@farmhand/jobs';
import { PrintersService, detectionSettingsOf, type Printer } from '@farmhand/printers';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { FrameStorage } from './frame-storage';
import { FramesRepository } from './frames.repository';
import { inspectJpeg, type JpegProblem } from './jpeg-inspection';
import { PrintIdentityStore } from './print-identity.store';

export interface StoredFrame {
  id: string;
  takenAt: string;
  /** Whether the frame went to inference (only frames of a running print are scored). */
  inference: 'queued' | 'skipped';
}

/** A capture time further off than this from the server's clock is not believed; the arrival time is used. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const PROBLEM_STATUS: Record<JpegProblem, 'invalid' | 'too_large'> = {
  not_jpeg: 'invalid',
  truncated: 'invalid',
  unreadable: 'invalid',
  too_many_pixels: 'too_large',
};

/**
 * Frames from agents: the printer comes from the credential, the frame is checked (bytes, then the pixel count its
 * header declares, then its structure) before anything is stored, and inference runs elsewhere (the `inference`
 * queue): the api answers as soon as the frame is on disk and queued.
 */
@Injectable()
export class FrameIngestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly frames: FramesRepository,
    private readonly storage: FrameStorage,
    private readonly printers: PrintersService,
    private readonly copies: CopyDirectory,
    private readonly presence: PrinterPresenceService,
    private readonly prints: PrintIdentityStore,
    private readonly jobs: JobQueue,
    private readonly dashboard: DashboardPublisher,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEYS) private readonly keys: RedisKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get maxBytes(): number {
    return this.config.FRAME_MAX_BYTES;
  }

  /**
   * Agents must not flood: a printer may send one frame per half of its configured interval. Checked before the body
   * is read. Throws 429 with the seconds to wait; returns the printer (the credential's own).
   */
  async admit(principal: AgentPrincipal): Promise<Printer> {
    const printer = await this.printers.get(defineAbilityFor(principal), principal.orgId, principal.printerId);
    const spacingMs = Math.max(500, (detectionSettingsOf(printer).frameIntervalSeconds * 1000) / 2);
    const key = this.keys.key('detection', 'frame-rate', principal.printerId);
    const admitted = await this.redis.set(key, '1', 'PX', Math.round(spacingMs), 'NX');
    if (admitted !== 'OK') {
      const waitMs = Math.max(1, await this.redis.pttl(key));
      throw new DomainException(
        'rate_limited',
        'frame_rate_limited',
        `Frames from this printer come faster than one per ${spacingMs / 1000} s`,
        'frame',
        { retryAfterSeconds: Math.ceil(waitMs / 1000) },
      );
    }
    return printer;
  }

  /** `printer` is what `admit` returned: the credential's own printer, read under the agent's ability. */
  async store(
    principal: AgentPrincipal,
    printer: Printer,
    body: Buffer,
    capturedAt: string | undefined,
  ): Promise<StoredFrame> {
    const { orgId, printerId } = principal;
    if (body.length === 0) throw DomainException.invalid('frame_required', 'Send the frame as the body', 'frame');
    const inspection = await inspectJpeg(body, this.config.FRAME_MAX_PIXELS);
    if (!inspection.ok) {
      throw new DomainException(
        PROBLEM_STATUS[inspection.problem],
        `frame_${inspection.problem}`,
        inspection.message,
        'frame',
      );
    }
    const receivedAt = Date.now();
    const declared = Number(capturedAt);
    const takenAt = new Date(
      Number.isFinite(declared) && Math.abs(declared - receivedAt) <= MAX_CLOCK_SKEW_MS ? declared : receivedAt,
    );

    const live = await this.presence.getLive(printerId);
    const printing = live?.status?.state === 'printing';
    const copyId = printing ? await this.copies.printingOn(printerId) : null;
    let printKey: string | null = null;
    if (copyId) printKey = `copy:${copyId}`;
    else if (printing) {
      const started = await this.prints.currentPrint(printerId);
      // No start event seen (the agent connected mid-print): the file being printed is the best identity left.
      printKey = started ? `print:${started}` : `file:${sha256Hex(live?.status?.job?.fileName ?? '').slice(0, 32)}`;
    }
    const kept = await this.frames.alertRaisedShortlyBefore(printerId, takenAt);

    const id = randomUUID();
    const storagePath = this.storage.pathFor(orgId, printerId, id, takenAt);
    await this.storage.write(storagePath, body);
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.frames.insert(manager, {
          id,
          orgId,
          printerId,
          copyId,
          printKey,
          takenAt,
          bytes: body.length,
          width: inspection.width,
          height: inspection.height,
          storagePath,
          kept,
        });
      });
      if (printKey) await this.jobs.enqueue('frame.infer', { orgId, frameId: id, printerId });
    } catch (error) {
      // Nothing half-written: no row without its file, no stored frame that never reaches inference.
      await this.dataSource.transaction((manager) => this.frames.delete(manager, id)).catch(() => undefined);
      await this.storage.remove(storagePath);
      throw error;
    }
    this.dashboard.publishPrinterPatch(orgId, printer.id, { snapshotAt: takenAt.toISOString() });
    this.logger.debug({ printerId, frameId: id, bytes: body.length, printKey }, 'frame stored');
    return { id, takenAt: takenAt.toISOString(), inference: printKey ? 'queued' : 'skipped' };
  }
}

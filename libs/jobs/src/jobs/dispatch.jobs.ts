import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, LOGGER, OnJob, QUEUE_OPTIONS, QueueName, type JobPayloads } from '@farmhand/core';
import { FilesService, formatOfMetadata, type GcodeMetadata } from '@farmhand/files';
import { SpoolDirectory } from '@farmhand/spools';
import type { Logger } from 'pino';
import { CopiesService, PRINTING_STATES } from '../copies.service';
import { agentFileName } from '../dispatch/agent-file-name';
import { classifyDispatchError, mayHavePrinted } from '../dispatch/dispatch-errors';
import { PRINTER_LINK, systemPrincipal, type LivePrint, type PrinterLink } from '../printer-link';
import { amsMappingFor, plateFilaments, type FilamentSlot } from '../scheduler/ams-matching';

/** A 500 MB file over a slow printer network, plus OctoPrint's upload: generous, the agent answers sooner. */
const DISPATCH_TIMEOUT_MS = 20 * 60_000;
/** Assignments of one copy whose dispatch failed on the agent before the copy is failed for an operator to see. */
const MAX_ASSIGNMENTS = 3;
const MAX_ATTEMPTS = QUEUE_OPTIONS[QueueName.Dispatch].defaults?.attempts ?? DEFAULT_JOB_OPTIONS.attempts ?? 1;

/**
 * The command id of one dispatch attempt, derived from copy and attempt (a UUID shape, version 8: custom). Every
 * retry of the same attempt is the same command, which the agent runs once; a new assignment is a new command.
 */
export function dispatchCommandId(copyId: string, attempt: number): string {
  const hex = createHash('sha256').update(`farmhand:dispatch:${copyId}:${attempt}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Payload = JobPayloads['copy.dispatch'];

@Injectable()
export class DispatchJobs {
  constructor(
    private readonly copies: CopiesService,
    private readonly files: FilesService,
    private readonly spools: SpoolDirectory,
    @Inject(PRINTER_LINK) private readonly link: PrinterLink,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Reloads the copy (the payload only names it), sends the agent a `dispatch` for this attempt and moves the
   * copy by what happened. Expected outcomes return a status; a failure worth retrying throws, until the last try
   * ends the attempt as failed.
   */
  @OnJob('copy.dispatch')
  async dispatch(payload: Payload, job: { attemptsMade: number }) {
    const { orgId, copyId, printerId, attempt } = payload;
    const plan = await this.copies.dispatchPlan(orgId, copyId, attempt, printerId);
    if (!plan) return { status: 'stale' };
    const { copy, file } = plan;
    if (copy.state !== 'assigned' && copy.state !== 'uploading') return { status: 'stale', state: copy.state };
    if (!file) {
      await this.copies.failDispatch(orgId, copyId, attempt, { reason: 'file_missing', maybePrinted: false });
      return { status: 'failed', reason: 'file_missing' };
    }
    const lastTry = job.attemptsMade + 1 >= MAX_ATTEMPTS;

    const live = await this.link.live(printerId);
    if (live.copyId === copyId && live.state && PRINTING_STATES.includes(live.state)) {
      await this.copies.markPrinting(orgId, copyId, attempt);
      return { status: 'printing', recovered: true };
    }
    if (!live.online && copy.state === 'assigned') {
      await this.copies.requeueUnsent(orgId, copyId, attempt, 'printer_offline');
      return { status: 'requeued', reason: 'printer_offline' };
    }

    let bambu: ReturnType<typeof bambuArgs> | undefined;
    if (formatOfMetadata(file.metadata) === '3mf') {
      const slots = plan.bambu?.amsMapping?.length ? [] : await this.filamentSlots(printerId, live);
      bambu = bambuArgs(file.metadata, plan.bambu, slots) ?? undefined;
      if (!bambu) {
        // The spools changed since the assignment: no slot holds one of the plate's filaments any more.
        await this.copies.requeueUnsent(orgId, copyId, attempt, 'ams_mismatch');
        return { status: 'requeued', reason: 'ams_mismatch' };
      }
    }

    const uploading = await this.copies.beginUpload(orgId, copyId, attempt, printerId);
    if (!uploading || uploading.state !== 'uploading') return { status: 'stale', state: uploading?.state };
    const commandId = dispatchCommandId(copyId, attempt);
    const { url } = this.files.signedDownloadUrl(printerId, file.sha256);
    try {
      await this.link.execute(
        systemPrincipal(orgId, 'print scheduler'),
        orgId,
        printerId,
        {
          id: commandId,
          type: 'dispatch',
          args: {
            url,
            sha256: file.sha256,
            fileName: agentFileName(file.name),
            size: file.sizeBytes,
            copyId,
            print: true,
            ...(bambu ? { bambu } : {}),
          },
        },
        { commandId, timeoutMs: DISPATCH_TIMEOUT_MS },
      );
    } catch (error) {
      // Every try moves the copy to uploading before it sends: a copy still assigned had never been sent.
      return this.failed(payload, error, { neverSentBefore: copy.state === 'assigned', lastTry });
    }
    await this.copies.markPrinting(orgId, copyId, attempt);
    return { status: 'printing' };
  }

  /** The printer's slots as the scheduler matched them: its tracked spools, else the trays its agent reports. */
  private async filamentSlots(printerId: string, live: LivePrint): Promise<FilamentSlot[]> {
    const loaded = (await this.spools.loadedOn([printerId])).get(printerId) ?? [];
    if (!loaded.length) return (live.filamentSlots ?? []).map((tray) => ({ ...tray, remainingGrams: null }));
    return loaded.map((spool) => ({
      slot: spool.slot,
      material: spool.material,
      colorHex: spool.colorHex,
      remainingGrams: spool.remainingGrams,
    }));
  }

  private async failed(payload: Payload, error: unknown, tries: { neverSentBefore: boolean; lastTry: boolean }) {
    const { orgId, copyId, printerId, attempt } = payload;
    const failure = classifyDispatchError(error);
    this.logger.warn({ copyId, printerId, attempt, code: failure.code, kind: failure.kind }, 'dispatch failed');
    // Whatever the error says, the agent's own report wins: it may be printing this very copy.
    const live = await this.link.live(printerId).catch(() => null);
    if (live?.copyId === copyId && live.state && PRINTING_STATES.includes(live.state)) {
      await this.copies.markPrinting(orgId, copyId, attempt);
      return { status: 'printing', recovered: true };
    }
    const neverSent = failure.kind === 'not_sent' && tries.neverSentBefore;
    const tryAgainLater = failure.kind === 'agent_failed' && attempt < MAX_ASSIGNMENTS;
    if (neverSent || failure.kind === 'not_acted' || tryAgainLater) {
      await this.copies.requeueUnsent(orgId, copyId, attempt, failure.code);
      return { status: 'requeued', reason: failure.code };
    }
    if (failure.kind === 'permanent' || failure.kind === 'agent_failed' || tries.lastTry) {
      await this.copies.failDispatch(orgId, copyId, attempt, {
        reason: failure.code,
        detail: failure.message,
        maybePrinted: mayHavePrinted(failure.kind, failure.code),
      });
      return { status: 'failed', reason: failure.code };
    }
    // Retried with backoff, same command id: an agent that received it answers again instead of printing twice.
    throw error;
  }
}

/**
 * Bambu's print options for a 3MF copy: the job's plate, else the file's first sliced plate; the job's AMS mapping
 * (the operator's override), else the mapping of the plate's filaments onto the printer's `slots` (tracked spools),
 * else none where no slot is known or the only one is slot 0 (the printer prints from the external spool, as Bambu Studio does without a
 * mapping). Null when slots are known and some filament has none of its material and colour.
 */
export function bambuArgs(
  metadata: GcodeMetadata,
  job: { plate: number | null; amsMapping: number[] | null } | null,
  slots: readonly FilamentSlot[] = [],
): { plate: number; useAms: boolean; amsMapping: number[] } | null {
  const plate = job?.plate ?? metadata.plates?.find((entry) => entry.sliced)?.index ?? 1;
  let amsMapping = job?.amsMapping ?? [];
  if (!amsMapping.length && slots.length) {
    const matched = amsMappingFor(plateFilaments(metadata.plates, plate), slots);
    if (!matched) return null;
    // One spool, in slot 0, is a printer without an AMS (its external spool): checked, but no mapping to send.
    const singleExtruder = slots.length === 1 && slots[0]!.slot === 0;
    amsMapping = singleExtruder ? [] : matched;
  }
  return { plate, useAms: amsMapping.length > 0, amsMapping };
}

import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, LOGGER, OnJob, QUEUE_OPTIONS, QueueName, type JobPayloads } from '@farmhand/core';
import { FilesService, formatOfMetadata, type GcodeMetadata } from '@farmhand/files';
import type { Logger } from 'pino';
import { CopiesService, PRINTING_STATES } from '../copies.service';
import { agentFileName } from '../dispatch/agent-file-name';
import { classifyDispatchError, mayHavePrinted } from '../dispatch/dispatch-errors';
import { PRINTER_LINK, systemPrincipal, type PrinterLink } from '../printer-link';

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
            ...(formatOfMetadata(file.metadata) === '3mf' ? { bambu: bambuArgs(file.metadata, plan.bambu) } : {}),
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
 * Bambu's print options for a 3MF copy: the job's plate, else the file's first sliced plate; the job's AMS mapping,
 * else none (the printer prints from the external spool, as Bambu Studio does without a mapping).
 */
export function bambuArgs(
  metadata: GcodeMetadata,
  job: { plate: number | null; amsMapping: number[] | null } | null,
): { plate: number; useAms: boolean; amsMapping: number[] } {
  const plate = job?.plate ?? metadata.plates?.find((entry) => entry.sliced)?.index ?? 1;
  const amsMapping = job?.amsMapping ?? [];
  return { plate, useAms: amsMapping.length > 0, amsMapping };
}

import { Inject, Injectable } from '@nestjs/common';
import { DomainEvents, LOGGER, type DomainEventMap } from '@farmhand/core';
import { FilesService, type GcodeFile } from '@farmhand/files';
import { PrinterDirectory } from '@farmhand/printers';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { CopiesRepository } from './copies.repository';
import { RUNNING_COPY_STATES } from './copy-state';
import { CopyTransitions } from './copy-transitions';
import { agentFileName } from './dispatch/agent-file-name';
import type { PrintCopy } from './entities/print-copy.entity';
import { JobsRepository } from './jobs.repository';
import { PRINTER_LINK, type PrinterLink } from './printer-link';

type PrintEvent = DomainEventMap['printer.printEvent'];
export const PRINTING_STATES = ['printing', 'pausing', 'paused'];

/**
 * A copy's moves after the scheduler assigned it, driven by the machines: the dispatch's progress, the agent's
 * print events, the agent going away and coming back. Operators' actions are in CopyActionsService.
 */
@Injectable()
export class CopiesService {
  constructor(
    private readonly transitions: CopyTransitions,
    private readonly copies: CopiesRepository,
    private readonly jobs: JobsRepository,
    private readonly files: FilesService,
    private readonly printers: PrinterDirectory,
    private readonly events: DomainEvents,
    private readonly dataSource: DataSource,
    @Inject(PRINTER_LINK) private readonly link: PrinterLink,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  find(orgId: string, copyId: string): Promise<PrintCopy | null> {
    return this.copies.find(orgId, copyId);
  }

  // ---- dispatch -------------------------------------------------------------------------------------------

  /** The copy and its file, if this dispatch (attempt, printer) is still the copy's current one. */
  async dispatchPlan(
    orgId: string,
    copyId: string,
    attempt: number,
    printerId: string,
  ): Promise<{
    copy: PrintCopy;
    file: GcodeFile | null;
    bambu: { plate: number | null; amsMapping: number[] | null } | null;
  } | null> {
    const copy = await this.copies.find(orgId, copyId);
    if (!copy || copy.attempt !== attempt || copy.printerId !== printerId) return null;
    const job = await this.jobs.find(orgId, copy.jobId);
    const file = job ? await this.files.findAny(orgId, job.fileId) : null;
    const bambu = job ? { plate: job.plate, amsMapping: job.amsMapping } : null;
    return { copy, file: file && !file.deletedAt ? file : null, bambu };
  }

  /** assigned -> uploading, only for this very attempt on this printer; returns the copy as it now stands. */
  beginUpload(orgId: string, copyId: string, attempt: number, printerId: string): Promise<PrintCopy | null> {
    return this.transitions.within(async (manager, emits) => {
      const copy = await this.copies.lock(manager, orgId, copyId);
      if (!copy || copy.attempt !== attempt || copy.printerId !== printerId) return null;
      if (copy.state === 'assigned') await this.transitions.move(manager, emits, copy, 'uploading');
      return copy;
    });
  }

  /** The agent confirmed the print runs (dispatch result or `started` event). */
  markPrinting(orgId: string, copyId: string, attempt: number, at = new Date()): Promise<boolean> {
    return this.transitions.within(async (manager, emits) => {
      const copy = await this.copies.lock(manager, orgId, copyId);
      if (!copy || copy.attempt !== attempt) return false;
      if (copy.state === 'printing' && copy.lost) await this.copies.update(manager, copy.id, { lost: false });
      if (copy.state !== 'assigned' && copy.state !== 'uploading') return copy.state === 'printing';
      await this.transitions.move(manager, emits, copy, 'printing', { startedAt: at, lost: false }, { startedAt: at });
      return true;
    });
  }

  /** Nothing reached the printer (offline before sending, printer busy, command expired): back to the queue. */
  requeueUnsent(orgId: string, copyId: string, attempt: number, reason: string): Promise<boolean> {
    return this.transitions.within(async (manager, emits) => {
      const copy = await this.copies.lock(manager, orgId, copyId);
      if (!copy || copy.attempt !== attempt || (copy.state !== 'assigned' && copy.state !== 'uploading')) return false;
      await this.transitions.move(
        manager,
        emits,
        copy,
        'queued',
        { printerId: null, queuedAt: new Date(), failureReason: reason },
        { state: 'queued', endedAt: new Date(), failureReason: reason },
      );
      return true;
    });
  }

  /**
   * The dispatch gave up. `maybePrinted`: the agent may have started (a timeout, an agent lost after the upload
   * began), so the bed needs a look before the printer is used again.
   */
  failDispatch(
    orgId: string,
    copyId: string,
    attempt: number,
    failure: { reason: string; detail?: string; maybePrinted: boolean },
  ): Promise<boolean> {
    return this.transitions.within(async (manager, emits) => {
      const copy = await this.copies.lock(manager, orgId, copyId);
      if (!copy || copy.attempt !== attempt || (copy.state !== 'assigned' && copy.state !== 'uploading')) return false;
      await this.transitions.end(manager, emits, copy, {
        to: 'failed',
        at: new Date(),
        reason: failure.reason,
        detail: failure.detail,
      });
      if (failure.maybePrinted && copy.printerId)
        await this.copies.setBed(manager, {
          orgId,
          printerId: copy.printerId,
          clear: false,
          copyId: copy.id,
          reason: failure.reason,
        });
      return true;
    });
  }

  // ---- agent events ---------------------------------------------------------------------------------------

  /** Advances the copy a print event is about; a print Farmhand did not start still occupies the bed. */
  async onPrintEvent(event: PrintEvent): Promise<void> {
    if (event.type === 'paused' || event.type === 'resumed') return;
    const at = new Date(event.at);
    const printer = await this.printers.profile(event.orgId, event.printerId);
    if (!printer) return;
    await this.transitions.within(async (manager, emits) => {
      const copy = await this.copyOfEvent(manager, event);
      if (event.type === 'started') {
        if (copy && (copy.state === 'assigned' || copy.state === 'uploading'))
          await this.transitions.move(
            manager,
            emits,
            copy,
            'printing',
            { startedAt: at, lost: false },
            { startedAt: at },
          );
        else if (copy?.lost) await this.copies.update(manager, copy.id, { lost: false });
        return;
      }
      if (!copy) {
        // A print started outside Farmhand ended: whatever it left on the bed needs a human.
        await this.copies.setBed(manager, {
          orgId: event.orgId,
          printerId: event.printerId,
          clear: false,
          copyId: null,
          reason: `manual_print_${event.type}`,
        });
        emits.push(() => this.events.emit('printerBed.occupied', { orgId: event.orgId, printerId: event.printerId }));
        return;
      }
      if (!(RUNNING_COPY_STATES as readonly string[]).includes(copy.state)) return;
      if (event.type === 'done') {
        if (printer.autoEject) {
          await this.transitions.end(manager, emits, copy, { to: 'done', at, outcome: 'good' });
          await this.copies.update(manager, copy.id, { clearedAt: at });
          emits.push(() =>
            this.events.emit('printerBed.cleared', {
              orgId: event.orgId,
              printerId: event.printerId,
              jobId: copy.jobId,
              copyId: copy.id,
            }),
          );
        } else {
          await this.transitions.end(manager, emits, copy, { to: 'awaiting_bed_clear', at });
          await this.copies.setBed(manager, {
            orgId: event.orgId,
            printerId: event.printerId,
            clear: false,
            copyId: copy.id,
            reason: 'print_done',
          });
        }
        return;
      }
      const failed = event.type === 'failed';
      await this.transitions.end(manager, emits, copy, {
        to: failed ? 'failed' : 'cancelled',
        at,
        reason: failed
          ? event.origin === 'link_lost'
            ? 'printer_unreachable'
            : 'print_failed'
          : event.origin === 'farmhand'
            ? 'cancelled_from_farmhand'
            : 'cancelled_on_printer',
        detail: event.reason ?? null,
      });
      // A failed or cancelled print leaves something on the bed, even on an auto-eject printer.
      await this.copies.setBed(manager, {
        orgId: event.orgId,
        printerId: event.printerId,
        clear: false,
        copyId: copy.id,
        reason: failed ? 'print_failed' : 'print_cancelled',
      });
    });
  }

  /** The agent went away: copies uploading or printing there are lost until it returns or an operator decides. */
  async onPrinterOffline(orgId: string, printerId: string): Promise<string[]> {
    const lost = await this.dataSource.transaction((manager) => this.copies.markLostOnPrinter(manager, printerId));
    if (lost.length) this.logger.warn({ orgId, printerId, copies: lost }, 'agent offline with copies in progress');
    return lost;
  }

  /**
   * The agent is back (or reports printing again): a lost copy it is printing is found again. The agent names the
   * copy when it remembers the dispatch; otherwise the file it prints must be this copy's (same hash, or the name
   * the dispatch gave it on OctoPrint).
   */
  async onPrinterOnline(orgId: string, printerId: string): Promise<void> {
    const live = await this.link.live(printerId);
    if (!live.online || !live.state || !PRINTING_STATES.includes(live.state)) return;
    await this.transitions.within(async (manager, emits) => {
      const copy = live.copyId
        ? await this.copies.lock(manager, orgId, live.copyId)
        : await this.copies.lockOnPrinter(manager, printerId, ['assigned', 'uploading', 'printing']);
      if (!copy || copy.printerId !== printerId) return;
      if (!live.copyId) {
        const file = await this.copies.fileOfJob(manager, copy.jobId);
        const reported = live.fileName?.split('/').pop() ?? null;
        if (!file || (live.sha256 !== file.sha256 && reported !== agentFileName(file.name))) return;
      }
      if (copy.lost) await this.copies.update(manager, copy.id, { lost: false });
      if (copy.state === 'assigned' || copy.state === 'uploading') {
        const now = new Date();
        await this.transitions.move(
          manager,
          emits,
          copy,
          'printing',
          { startedAt: now, lost: false },
          { startedAt: now },
        );
      }
    });
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private async copyOfEvent(manager: EntityManager, event: PrintEvent): Promise<PrintCopy | null> {
    if (event.job?.copyId && /^[0-9a-f-]{36}$/i.test(event.job.copyId)) {
      const copy = await this.copies.lock(manager, event.orgId, event.job.copyId);
      if (copy && copy.printerId === event.printerId) return copy;
    }
    const active = await this.copies.lockOnPrinter(manager, event.printerId, ['assigned', 'uploading', 'printing']);
    // Without a copy id, only a copy printing the same file is ours.
    if (active && event.job?.copyId === undefined && event.job?.sha256) {
      if ((await this.copies.fileOfJob(manager, active.jobId))?.sha256 !== event.job.sha256) return null;
    }
    return active;
  }
}

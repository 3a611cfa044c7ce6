import { Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { actorOf, subject, type AppAbility, type Principal } from '@farmhand/authz';
import { DomainEvents, DomainException } from '@farmhand/core';
import { FilesService, formatOfMetadata } from '@farmhand/files';
import { PrintersService, type Printer } from '@farmhand/printers';
import { DataSource } from 'typeorm';
import type { PrintOnPrintersDto } from './dto/job.dto';
import { requirementsFromFile } from './jobs.service';
import { JobsRepository } from './jobs.repository';
import { normalizeModel } from './scheduler/matching';
import { JobAdmissionRegistry } from './job-admission';

export interface PinnedPrintOutcome {
  printerId: string;
  printerName: string;
  status: 'queued' | 'refused';
  jobId: string | null;
  code: 'format_not_supported' | 'model_mismatch' | null;
  message: string | null;
}

/**
 * "Print this file on the selected printers": one job of one copy pinned to each printer, rather than one job whose
 * copies are pinned. A job's copies are interchangeable by design (numbered, not placed), and one job per printer
 * reads in the queue as "this file, on that printer", with its own status, hold and cancel. All or nothing for
 * authorization (a printer out of reach refuses the whole request, naming it); a printer that cannot print the file
 * (its agent does not upload the file's format, another model) is refused alone, with the reason.
 */
@Injectable()
export class PinnedJobsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsRepository,
    private readonly files: FilesService,
    private readonly printers: PrintersService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly admission: JobAdmissionRegistry,
  ) {}

  async printOnPrinters(
    principal: Principal,
    ability: AppAbility,
    orgId: string,
    input: PrintOnPrintersDto,
  ): Promise<{ results: PinnedPrintOutcome[] }> {
    const file = await this.files.findLive(orgId, input.fileId);
    if (!file || ability.cannot('read', subject('File', { ...file })))
      throw DomainException.invalid('unknown_file', 'fileId names no file of this organization', 'fileId');
    const printers: Printer[] = [];
    for (const printerId of [...new Set(input.printerIds)])
      printers.push(await this.reachable(ability, orgId, printerId));

    const format = formatOfMetadata(file.metadata);
    const requirements = requirementsFromFile(file);
    // An unrestricted requester's pin stands alone; a fleet-limited one's also names the printer's fleet, so a
    // printer moved out of their fleets is not printed on (the scheduler cancels the copy with the reason).
    const everyFleet = ability.can('create', subject('Job', { orgId, fleetIds: [] }));
    const actor = actorOf(principal);
    const results = await this.dataSource.transaction(async (manager) => {
      const outcomes: PinnedPrintOutcome[] = [];
      for (const printer of printers) {
        const refusal = refusalFor(printer, format, requirements.printerModel);
        if (refusal) {
          outcomes.push({
            printerId: printer.id,
            printerName: printer.name,
            status: 'refused',
            jobId: null,
            ...refusal,
          });
          continue;
        }
        // Quotas hold here as on every path that queues a job: one copy per printer, in this transaction.
        await this.admission.admit(manager, {
          orgId,
          memberId: principal.kind === 'user' ? principal.userId : null,
          tags: [],
          copies: 1,
          estimatedSeconds: file.metadata.estimatedTimeSeconds ?? null,
          filamentGrams: file.metadata.filamentWeightGrams ?? null,
        });
        const job = await this.jobs.insert(manager, {
          orgId,
          fileId: file.id,
          name: file.name,
          copies: 1,
          priority: input.priority ?? 0,
          position: Date.now(),
          ...requirements,
          fleetIds: everyFleet ? [] : [printer.fleetId],
          pinnedPrinterId: printer.id,
          requiredTags: [],
          tags: [],
          earliestStartAt: null,
          fileFormat: format,
          plate: null,
          amsMapping: null,
          notes: input.notes ?? '',
          held: false,
          cancelledAt: null,
          createdBy: actor.id,
          createdByLabel: actor.label.slice(0, 320),
        });
        outcomes.push({
          printerId: printer.id,
          printerName: printer.name,
          status: 'queued',
          jobId: job.id,
          code: null,
          message: null,
        });
      }
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'printJob.pinnedCreated',
        subject: { type: 'Job' },
        details: {
          fileId: file.id,
          name: file.name,
          outcomes: outcomes.map(({ printerId, status, jobId, code }) => ({ printerId, status, jobId, code })),
        },
      });
      return outcomes;
    });
    for (const outcome of results)
      if (outcome.jobId) this.events.emit('printJob.created', { orgId, jobId: outcome.jobId, copies: 1 });
    return { results };
  }

  /**
   * A printer the caller may start prints on and queue jobs for; any other id (no printer of the organization, or
   * one out of the caller's fleets) is one 403 naming it by id, so a fleet-limited caller cannot tell another
   * fleet's printers from ids that name nothing.
   */
  private async reachable(ability: AppAbility, orgId: string, printerId: string): Promise<Printer> {
    const placement = await this.printers.placementOf(orgId, printerId);
    if (
      !placement ||
      ability.cannot('start', subject('Printer', { id: printerId, ...placement })) ||
      ability.cannot('create', subject('Job', { orgId, fleetIds: [placement.fleetId] }))
    )
      throw new DomainException(
        'forbidden',
        'printer_out_of_reach',
        `You may not start prints on printer ${printerId}`,
        'printerIds',
        { printerId },
      );
    return this.printers.get(ability, orgId, printerId);
  }
}

/** The refusals the queue cannot wait out: the agent does not upload this format, or the file is for another model. */
function refusalFor(
  printer: Printer,
  format: string,
  fileModel: string | null,
): Pick<PinnedPrintOutcome, 'code' | 'message'> | null {
  if (!(printer.uploadFormats ?? ['gcode']).includes(format))
    return { code: 'format_not_supported', message: `${printer.name} does not take .${format} files` };
  if (fileModel && printer.model && normalizeModel(fileModel) !== normalizeModel(printer.model))
    return {
      code: 'model_mismatch',
      message: `The file was sliced for ${fileModel}, ${printer.name} is a ${printer.model}`,
    };
  return null;
}

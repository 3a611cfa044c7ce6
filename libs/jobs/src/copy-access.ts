import { Injectable } from '@nestjs/common';
import { subject, type AppAbility } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import { PrintersService } from '@farmhand/printers';
import type { EntityManager } from 'typeorm';
import type { PrintCopy } from './entities/print-copy.entity';
import { JobsRepository } from './jobs.repository';

/** A copy as the CASL `Copy` subject (conditions in libs/authz define-ability.ts). */
export function copySubject(fields: { orgId: string; printerFleetId: string | null; jobFleetIds: readonly string[] }) {
  return subject('Copy', {
    orgId: fields.orgId,
    printerFleetId: fields.printerFleetId,
    jobFleetIds: [...fields.jobFleetIds],
  });
}

/**
 * Whether a caller may act on a print copy: a copy on a printer belongs to that printer's fleet, a copy on none to
 * its job's fleets. Out of reach answers 404, as for printers and jobs.
 */
@Injectable()
export class CopyAccess {
  constructor(
    private readonly printers: PrintersService,
    private readonly jobs: JobsRepository,
  ) {}

  async allows(ability: AppAbility, copy: PrintCopy, manager?: EntityManager): Promise<boolean> {
    const placement = copy.printerId ? await this.printers.placementOf(copy.orgId, copy.printerId) : null;
    const jobFleetIds = (await this.jobs.fleetIdsOf(copy.jobId, manager)) ?? [];
    return ability.can(
      'update',
      copySubject({ orgId: copy.orgId, printerFleetId: placement?.fleetId ?? null, jobFleetIds }),
    );
  }

  async assertAllowed(ability: AppAbility, copy: PrintCopy, manager?: EntityManager): Promise<void> {
    if (!(await this.allows(ability, copy, manager)))
      throw DomainException.notFound('copy_not_found', 'Print copy not found');
  }

  /** The plate of a printer: the caller must reach a copy on that printer (whatever job it came from). */
  async assertPlateAllowed(ability: AppAbility, orgId: string, printerId: string): Promise<void> {
    const placement = await this.printers.placementOf(orgId, printerId);
    if (
      !placement ||
      ability.cannot('update', copySubject({ orgId, printerFleetId: placement.fleetId, jobFleetIds: [] }))
    )
      throw DomainException.notFound('printer_not_found', 'Printer not found');
  }
}

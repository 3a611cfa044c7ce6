import { Inject, Injectable } from '@nestjs/common';
import type { AppAbility } from '@farmhand/authz';
import { PrintersService } from '@farmhand/printers';
import { CopiesRepository } from './copies.repository';
import { PRINTER_LINK, type PrinterLink } from './printer-link';

export type NotReadyReason = 'offline' | 'not_operational' | 'busy' | 'bed_not_clear';

/**
 * Whether each printer the caller may read could take a print now, and if not why: the same rules as the
 * scheduler (online, operational, no active copy, bed confirmed clear), for the operators' view of which plates
 * to clear.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly printers: PrintersService,
    private readonly copies: CopiesRepository,
    @Inject(PRINTER_LINK) private readonly link: PrinterLink,
  ) {}

  async list(ability: AppAbility, orgId: string, fleetId?: string) {
    const { printers } = await this.printers.list(ability, orgId, { fleetId, limit: 1000 });
    const ids = printers.map((printer) => printer.id);
    const [online, beds, active] = await Promise.all([
      this.link.onlineAmong(ids),
      this.copies.findBeds(ids),
      this.copies.activeOnPrinters(ids),
    ]);
    const bedOf = new Map(beds.map((bed) => [bed.printerId, bed]));
    const copyOf = new Map(active.map((copy) => [copy.printerId!, copy]));
    return {
      printers: printers.map((printer) => {
        const bed = bedOf.get(printer.id);
        const copy = copyOf.get(printer.id);
        const reasons: NotReadyReason[] = [];
        if (!online.has(printer.id)) reasons.push('offline');
        else if (printer.state !== 'operational') reasons.push('not_operational');
        if (copy && copy.state !== 'awaiting_bed_clear') reasons.push('busy');
        if (copy?.state === 'awaiting_bed_clear' || (bed && !bed.clear)) reasons.push('bed_not_clear');
        return {
          printerId: printer.id,
          name: printer.name,
          fleetId: printer.fleetId,
          state: printer.state,
          online: online.has(printer.id),
          autoEject: printer.autoEject,
          bed: { clear: !(bed && !bed.clear) && copy?.state !== 'awaiting_bed_clear', reason: bed?.reason ?? null },
          activeCopy: copy ? { copyId: copy.id, jobId: copy.jobId, state: copy.state, lost: copy.lost } : null,
          ready: reasons.length === 0,
          notReadyBecause: reasons,
        };
      }),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { PrinterControlService, PrinterPresenceService } from '@farmhand/agents';
import type { Principal } from '@farmhand/authz';
import type { CommandInput } from '@farmhand/protocol';
import type { LivePrint, PrinterLink } from './printer-link';

/** PrinterLink over the agents domain: presence from Redis, commands through the one control path. */
@Injectable()
export class AgentsPrinterLink implements PrinterLink {
  constructor(
    private readonly control: PrinterControlService,
    private readonly presence: PrinterPresenceService,
  ) {}

  async onlineAmong(printerIds: string[]): Promise<Set<string>> {
    if (!printerIds.length) return new Set();
    return new Set((await this.presence.getLiveMany(printerIds)).keys());
  }

  async live(printerId: string): Promise<LivePrint> {
    const live = await this.presence.getLive(printerId);
    return {
      online: live !== null,
      state: live?.status?.state ?? null,
      copyId: live?.status?.job?.copyId ?? null,
      fileName: live?.status?.job?.fileName ?? null,
      sha256: live?.status?.job?.sha256 ?? null,
      ...(live?.status?.filamentSlots ? { filamentSlots: live.status.filamentSlots } : {}),
    };
  }

  async filamentSlotsAmong(printerIds: string[]) {
    const slots = new Map<string, NonNullable<LivePrint['filamentSlots']>>();
    if (!printerIds.length) return slots;
    for (const [printerId, live] of await this.presence.getLiveMany(printerIds)) {
      if (live.status?.filamentSlots?.length) slots.set(printerId, live.status.filamentSlots);
    }
    return slots;
  }

  execute(
    principal: Principal,
    orgId: string,
    printerId: string,
    command: CommandInput,
    options?: { timeoutMs?: number; commandId?: string },
  ): Promise<unknown> {
    return this.control.execute(principal, orgId, printerId, command, options);
  }
}

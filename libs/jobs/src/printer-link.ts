import type { Principal, SystemPrincipal } from '@farmhand/authz';
import type { CommandInput } from '@farmhand/protocol';

/** What the queue needs of the agents domain, bound to @farmhand/agents in JobsModule (a fake in tests and benches). */
export const PRINTER_LINK = Symbol('PrinterLink');

export interface LivePrint {
  online: boolean;
  /** The agent's reported printer state; null when offline or not yet reported. */
  state: string | null;
  /** The copy the agent says it is printing (from the dispatch it ran), if any. */
  copyId: string | null;
  /** The file it reports printing: its OctoPrint path, and the sha256 when the agent remembers the dispatch. */
  fileName: string | null;
  sha256: string | null;
  /** The AMS/MMU slots the agent reports (Bambu), when it reports them. */
  filamentSlots?: Array<{ slot: number; material: string | null; colorHex: string | null }>;
}

export interface PrinterLink {
  /** The subset of `printerIds` whose agent is connected now. */
  onlineAmong(printerIds: string[]): Promise<Set<string>>;
  live(printerId: string): Promise<LivePrint>;
  /** The AMS/MMU slots each of `printerIds`' agents reports, for those that report some (absent: none reported). */
  filamentSlotsAmong?(
    printerIds: string[],
  ): Promise<Map<string, Array<{ slot: number; material: string | null; colorHex: string | null }>>>;
  /** The one control path: CASL check, audit, send, await the agent's result (409 offline, 504 timeout). */
  execute(
    principal: Principal,
    orgId: string,
    printerId: string,
    command: CommandInput,
    options?: { timeoutMs?: number; commandId?: string },
  ): Promise<unknown>;
}

/** Farmhand itself acting on a printer: the scheduler dispatching, a cancelled job stopping its prints. */
export function systemPrincipal(orgId: string, reason: string): SystemPrincipal {
  return { kind: 'system', orgId, reason };
}

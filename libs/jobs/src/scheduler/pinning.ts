/**
 * "Print on the selected printers": a job pinned to a printer goes to that printer only. Kept apart from the
 * requirement matching (matching.ts) on purpose: the pin narrows where a copy may go, every other rule (readiness,
 * format and model, spools, maintenance holds, the bed-clear gate) still applies to the pinned printer.
 */
export function pinAllows(job: { pinnedPrinterId?: string | null }, printer: { id: string }): boolean {
  return !job.pinnedPrinterId || job.pinnedPrinterId === printer.id;
}

/** Why the scheduler cancelled a pinned copy that can never reach its printer. */
export const PIN_FAILURE_REASONS = {
  pinned_printer_removed: 'The printer this print was pinned to was deleted',
  pinned_printer_moved: 'The printer this print was pinned to left the fleets the job may print on',
} as const;
export type PinFailureReason = keyof typeof PIN_FAILURE_REASONS;

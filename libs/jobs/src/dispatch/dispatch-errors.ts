/**
 * What a failed dispatch command means for the copy, from the control path's error code (libs/agents
 * AgentsException: the agent's own codes, plus printer_offline, command_timeout and agent_protocol_error).
 *
 * - `not_sent`: no agent connected; nothing reached the printer by this try.
 * - `not_acted`: the agent answered that it did nothing (printer busy, command arrived after it expired).
 * - `unknown`: no (readable) answer, or trouble on our side; the agent may still be working. Retried with the same
 *   command id, which the agent runs once and answers again.
 * - `agent_failed`: the agent ran the command and it failed (download, OctoPrint). The agent remembers that answer
 *   for this command id, so retrying the id is pointless: a new assignment (a new id) tries again, a few times.
 * - `permanent`: retrying cannot help (hash mismatch, too large, refused arguments, not allowed).
 */
export type DispatchFailure = 'not_sent' | 'not_acted' | 'unknown' | 'agent_failed' | 'permanent';

const KINDS: Record<string, DispatchFailure> = {
  printer_offline: 'not_sent',
  invalid_state: 'not_acted',
  timeout: 'not_acted',
  command_timeout: 'unknown',
  agent_protocol_error: 'unknown',
  service_unavailable: 'unknown',
  download_failed: 'agent_failed',
  backend_unreachable: 'agent_failed',
  backend_error: 'agent_failed',
  internal: 'agent_failed',
  checksum_mismatch: 'permanent',
  too_large: 'permanent',
  invalid_arguments: 'permanent',
  invalid_command: 'permanent',
  blocked: 'permanent',
  not_found: 'permanent',
  unsupported: 'permanent',
  backend_unauthorized: 'permanent',
  forbidden: 'permanent',
  printer_not_found: 'permanent',
};

export function classifyDispatchError(error: unknown): { kind: DispatchFailure; code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const message = String((error as { message?: unknown } | null)?.message ?? 'dispatch failed').slice(0, 500);
  // Only a DomainException's code is the control path's; a driver's or network error's code means trouble here.
  const isDomain = (error as { name?: unknown } | null)?.name === 'DomainException';
  if (isDomain && typeof code === 'string' && KINDS[code]) return { kind: KINDS[code], code, message };
  return { kind: 'unknown', code: 'server_error', message };
}

/** Whether an attempt that failed this way may have left a print (or part of one) on the bed. */
export function mayHavePrinted(kind: DispatchFailure, code: string): boolean {
  if (kind === 'permanent' || kind === 'not_acted') return false;
  return code !== 'download_failed';
}

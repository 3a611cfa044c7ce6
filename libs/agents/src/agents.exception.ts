import { DomainException, ERROR_KIND_STATUS, mergeErrors, type DeclaredErrors, type ErrorKind } from '@farmhand/core';
import type { CommandErrorCode } from '@farmhand/protocol';

/**
 * How an agent's refusal reads to a caller: the agent's code is kept as the error code (stable, documented in
 * apps/agent/README.md), the status says whose problem it is.
 */
const AGENT_ERROR_KINDS: Record<CommandErrorCode, ErrorKind> = {
  invalid_state: 'conflict',
  unsupported: 'conflict',
  invalid_arguments: 'invalid',
  too_large: 'invalid',
  blocked: 'invalid',
  not_found: 'not_found',
  timeout: 'timeout',
  backend_unreachable: 'unavailable',
  backend_unauthorized: 'unavailable',
  backend_error: 'unavailable',
  download_failed: 'unavailable',
  checksum_mismatch: 'unavailable',
  internal: 'unavailable',
};

export const AgentsException = {
  printerOffline(commandId: string): DomainException {
    return new DomainException('conflict', 'printer_offline', "The printer's agent is not connected", undefined, {
      commandId,
    });
  },

  timeout(commandId: string, timeoutMs: number, delivered: boolean): DomainException {
    const message = delivered
      ? `The printer's agent did not answer within ${Math.round(timeoutMs / 1000)} s`
      : `The printer's agent could not be reached within ${Math.round(timeoutMs / 1000)} s`;
    return new DomainException('timeout', 'command_timeout', message, undefined, { commandId, delivered });
  },

  rejectedByAgent(commandId: string, code: CommandErrorCode, message: string): DomainException {
    return new DomainException(AGENT_ERROR_KINDS[code] ?? 'unavailable', code, message || code, undefined, {
      commandId,
    });
  },

  unreadableAnswer(commandId: string): DomainException {
    return new DomainException(
      'unavailable',
      'agent_protocol_error',
      "The printer's agent answered with something that is not a result",
      undefined,
      { commandId },
    );
  },
};

/**
 * Every error a printer command answers over HTTP, by status (the OpenAPI document of each action): the control
 * path's own and every refusal an agent may send.
 */
export const COMMAND_ERRORS: DeclaredErrors = mergeErrors(
  {
    [ERROR_KIND_STATUS.invalid]: ['invalid_command'],
    [ERROR_KIND_STATUS.not_found]: ['printer_not_found'],
    [ERROR_KIND_STATUS.conflict]: ['printer_offline'],
    [ERROR_KIND_STATUS.unavailable]: ['agent_protocol_error'],
    [ERROR_KIND_STATUS.timeout]: ['command_timeout'],
  },
  ...Object.entries(AGENT_ERROR_KINDS).map(([code, kind]) => ({ [ERROR_KIND_STATUS[kind]]: [code] })),
);

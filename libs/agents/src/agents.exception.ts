import { DomainException, type ErrorKind } from '@farmhand/core';
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

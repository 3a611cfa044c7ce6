import { DomainException } from '@farmhand/core';
import { classifyDispatchError, mayHavePrinted } from './dispatch-errors';

describe('dispatch failures', () => {
  it.each([
    ['printer_offline', 'conflict', 'not_sent'],
    ['invalid_state', 'conflict', 'not_acted'],
    ['timeout', 'timeout', 'not_acted'],
    ['command_timeout', 'timeout', 'unknown'],
    ['download_failed', 'unavailable', 'agent_failed'],
    ['internal', 'unavailable', 'agent_failed'],
    ['checksum_mismatch', 'unavailable', 'permanent'],
    ['forbidden', 'forbidden', 'permanent'],
  ] as const)('%s is %s', (code, kind, expected) => {
    expect(classifyDispatchError(new DomainException(kind, code, 'x')).kind).toBe(expected);
  });

  it('retries, with the same command, what failed on our side', () => {
    const reset = Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    expect(classifyDispatchError(reset)).toMatchObject({ kind: 'unknown', code: 'server_error' });
  });

  it('only a refused or never-sent dispatch is known to have left the bed empty', () => {
    expect(mayHavePrinted('permanent', 'checksum_mismatch')).toBe(false);
    expect(mayHavePrinted('agent_failed', 'download_failed')).toBe(false);
    expect(mayHavePrinted('unknown', 'command_timeout')).toBe(true);
    expect(mayHavePrinted('agent_failed', 'backend_error')).toBe(true);
  });
});

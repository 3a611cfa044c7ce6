import type { AuditRecord, AuditService } from '@farmhand/audit';
import type { Principal, UserPrincipal } from '@farmhand/authz';
import { DomainException } from '@farmhand/core';
import type { PrintersService } from '@farmhand/printers';
import type { Command } from '@farmhand/protocol';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { AgentStats } from '../gateway/agent-stats.service';
import type { AgentCommandBus, Delivery } from './agent-command.bus';
import { PrinterControlService } from './printer-control.service';

const orgId = '00000000-0000-4000-8000-000000000001';
const printer = { id: '00000000-0000-4000-8000-0000000000aa', orgId, fleetId: 'fleet-a', name: 'P1' };

function user(role: UserPrincipal['role'], fleetIds: string[] | null = null): UserPrincipal {
  return {
    kind: 'user',
    userId: 'u1',
    sessionId: 's1',
    email: 'u@example.test',
    orgId,
    membershipId: 'm1',
    role,
    fleetIds,
  };
}

function setup(delivery: (command: Command) => Delivery = (command) => answered(command.id)) {
  const sent: Array<{ printerId: string; command: Command; deadline: number }> = [];
  const audits: AuditRecord[] = [];
  const bus = {
    deliver: jest.fn(async (printerId: string, command: Command, deadline: number) => {
      sent.push({ printerId, command, deadline });
      return delivery(command);
    }),
  };
  const printers = {
    get: jest.fn(async (_ability: unknown, org: string, id: string) => {
      if (org !== orgId || id !== printer.id) throw DomainException.notFound('printer_not_found', 'Printer not found');
      return { ...printer };
    }),
  };
  const audit = { record: jest.fn(async (_manager: unknown, record: AuditRecord) => void audits.push(record)) };
  const service = new PrinterControlService(
    printers as unknown as PrintersService,
    bus as unknown as AgentCommandBus,
    audit as unknown as AuditService,
    { manager: {} } as DataSource,
    { command: jest.fn() } as unknown as AgentStats,
    pino({ level: 'silent' }),
  );
  return { service, sent, audits, bus };
}

function answered(id: string, result: Partial<{ ok: boolean; data: unknown; error: unknown }> = {}): Delivery {
  return {
    status: 'answered',
    attempts: 1,
    result: { id, ok: true, data: { accepted: true }, finishedAt: Date.now(), ...result } as never,
  };
}

async function failure(promise: Promise<unknown>): Promise<DomainException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainException) return error;
    throw error;
  }
  throw new Error('expected a DomainException');
}

describe('PrinterControlService.execute', () => {
  it('sends the command with an id and expiry, returns the agent data and audits the outcome', async () => {
    const { service, sent, audits } = setup();
    const before = Date.now();
    const result = await service.execute(user('operator'), orgId, printer.id, { type: 'pause' });
    expect(result).toEqual({ accepted: true });
    expect(sent).toHaveLength(1);
    const { command, deadline } = sent[0]!;
    expect(command).toMatchObject({ type: 'pause', args: {}, id: expect.any(String) });
    expect(command.expiresAt).toBe(deadline);
    expect(deadline - before).toBeGreaterThanOrEqual(15_000);
    expect(audits).toEqual([
      expect.objectContaining({
        orgId,
        action: 'printer.pause',
        result: 'success',
        subject: { type: 'Printer', id: printer.id },
        details: expect.objectContaining({ commandId: command.id, outcome: 'ok' }),
      }),
    ]);
  });

  it('reuses a given command id so that a retried call runs once on the agent', async () => {
    const { service, sent } = setup();
    const commandId = '11111111-1111-4111-8111-111111111111';
    await service.execute(user('operator'), orgId, printer.id, { type: 'resume' }, { commandId });
    await service.execute(user('operator'), orgId, printer.id, { type: 'resume' }, { commandId });
    expect(sent.map((entry) => entry.command.id)).toEqual([commandId, commandId]);
  });

  it('viewer cannot pause: 403, audited as denied, nothing sent', async () => {
    const { service, sent, audits } = setup();
    const error = await failure(service.execute(user('viewer'), orgId, printer.id, { type: 'pause' }));
    expect(error.status).toBe(403);
    expect(sent).toEqual([]);
    expect(audits).toEqual([expect.objectContaining({ action: 'printer.pause', result: 'denied' })]);
  });

  it('operator of another fleet cannot control the printer', async () => {
    const { service, sent } = setup();
    const error = await failure(service.execute(user('operator', ['fleet-b']), orgId, printer.id, { type: 'pause' }));
    expect(error.status).toBe(403);
    expect(sent).toEqual([]);
  });

  it('answers 404 for a principal of another organization without looking the printer up', async () => {
    const { service } = setup();
    const outsider: Principal = { kind: 'system', orgId: '00000000-0000-4000-8000-0000000000ff', reason: 'test' };
    expect((await failure(service.execute(outsider, orgId, printer.id, { type: 'pause' }))).status).toBe(404);
  });

  it.each([
    [{ status: 'offline' } as Delivery, 409, 'printer_offline'],
    [{ status: 'timeout', delivered: true, attempts: 3 } as Delivery, 504, 'command_timeout'],
    [{ status: 'rejected', error: null } as Delivery, 503, 'agent_protocol_error'],
  ])('maps a %j delivery to %i %s and audits the failure', async (delivery, status, code) => {
    const { service, audits } = setup(() => delivery);
    const error = await failure(service.execute(user('operator'), orgId, printer.id, { type: 'cancel' }));
    expect([error.status, error.code]).toEqual([status, code]);
    expect(audits[0]).toMatchObject({ result: 'failure', details: { outcome: code } });
  });

  it.each([
    ['invalid_state', 409],
    ['blocked', 400],
    ['backend_unreachable', 503],
    ['timeout', 504],
  ])('passes the agent refusal %s on as %i', async (code, status) => {
    const { service } = setup((command) =>
      answered(command.id, { ok: false, error: { code, message: 'refused' }, data: undefined }),
    );
    const error = await failure(service.execute(user('operator'), orgId, printer.id, { type: 'pause' }));
    expect([error.status, error.code]).toEqual([status, code]);
  });

  it('refuses arguments the protocol would refuse before sending anything', async () => {
    const { service, sent } = setup();
    const error = await failure(service.execute(user('operator'), orgId, printer.id, { type: 'jog', args: {} }));
    expect([error.status, error.code]).toEqual([400, 'invalid_command']);
    expect(sent).toEqual([]);
  });

  it('never writes a dispatch URL (a secret) into the audit log', async () => {
    const { service, audits } = setup();
    const system: Principal = { kind: 'system', orgId, reason: 'scheduler' };
    await service.execute(system, orgId, printer.id, {
      type: 'dispatch',
      args: { url: 'https://farm.example/files/x?sig=secret', sha256: 'a'.repeat(64), fileName: 'a.gcode', size: 10 },
    });
    expect(JSON.stringify(audits)).not.toContain('sig=secret');
    expect(audits[0]!.details).toMatchObject({ args: { fileName: 'a.gcode', sha256: 'a'.repeat(64) } });
  });
});

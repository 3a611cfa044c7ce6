import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createBackend, MemoryCertificatePins } from '../backend/backend-factory';
import { JobLedger } from '../backend/job-ledger';
import { createLogger } from '../logger';
import { FileCertificatePins, gatewayConfigSchema, loadGateway, targetOf } from './gateway-config';
import type { GatewayPrinter } from './gateway-config';

const identity = { printerId: 'p1', credential: 'fh_agt_0123456789abcdef' };

describe('gateway config', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads printers of every kind and their LAN secrets, and resets files readable by others to 0600', async () => {
    const config = {
      server: 'https://farm.example',
      printers: [
        { name: 'Octo-01', kind: 'octoprint', address: 'http://10.0.0.20', ...identity },
        {
          name: 'Voron-02',
          kind: 'moonraker',
          address: 'http://10.0.0.22:7125',
          printerId: 'p2',
          credential: identity.credential,
        },
        {
          name: 'MK4-03',
          kind: 'prusalink',
          address: 'http://10.0.0.23',
          printerId: 'p3',
          credential: identity.credential,
        },
        {
          name: 'X1C-04',
          kind: 'bambu',
          address: '10.0.0.24',
          serial: '01S00A123456789',
          printerId: 'p4',
          credential: identity.credential,
        },
      ],
    };
    await writeFile(join(dir, 'gateway.json'), JSON.stringify(config), { mode: 0o644 });
    const secrets = {
      version: 1,
      printers: {
        'Octo-01': { apiKey: 'k' },
        'MK4-03': { username: 'maker', password: 'pw' },
        'X1C-04': { accessCode: '12345678' },
      },
    };
    await writeFile(join(dir, 'lan-secrets.json'), JSON.stringify(secrets), { mode: 0o640 });

    const loaded = await loadGateway(join(dir, 'gateway.json'));
    expect(loaded?.config.printers.map((printer) => printer.kind)).toEqual([
      'octoprint',
      'moonraker',
      'prusalink',
      'bambu',
    ]);
    expect(loaded?.tightened).toHaveLength(2);
    expect((await stat(join(dir, 'lan-secrets.json'))).mode & 0o777).toBe(0o600);
    const targets = loaded!.config.printers.map((printer) => targetOf(printer, loaded!.secrets));
    expect(targets[0]).toMatchObject({ kind: 'octoprint', secret: { apiKey: 'k' } });
    expect(targets[1]).toMatchObject({ kind: 'moonraker', secret: {} });
    expect(targets[3]).toMatchObject({ kind: 'bambu', address: '10.0.0.24', serial: '01S00A123456789' });
  });

  it('names the missing LAN secret of a printer instead of failing the whole gateway', () => {
    const printer: GatewayPrinter = { name: 'MK4-03', kind: 'prusalink', address: 'http://10.0.0.23', ...identity };
    expect(targetOf(printer, { version: 1, printers: {} })).toEqual({
      error: 'MK4-03: the LAN-secrets file has no apiKey or username + password for this prusalink printer',
    });
  });

  it.each([
    [{ name: 'a', kind: 'octoprint', address: 'http://user:pw@10.0.0.1' }, 'address'],
    [{ name: 'a', kind: 'bambu', address: '10.0.0.1' }, 'serial'],
    [{ name: 'a', kind: 'bambu', address: 'http://10.0.0.1', serial: 'S' }, 'address'],
    [{ name: 'a', kind: 'makerbot', address: 'http://10.0.0.1' }, 'kind'],
  ])('refuses %j (%s)', (printer, field) => {
    const parsed = gatewayConfigSchema.safeParse({
      server: 'https://farm.example',
      printers: [{ ...printer, ...identity }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toContain(field);
  });

  it('refuses two printers with one name', () => {
    const printer = { name: 'a', kind: 'octoprint', address: 'http://10.0.0.1', ...identity };
    const parsed = gatewayConfigSchema.safeParse({
      server: 'https://farm.example',
      printers: [printer, { ...printer, printerId: 'p2' }],
    });
    expect(parsed.error?.issues[0].message).toBe('duplicate name');
  });

  it('keeps certificate pins in a 0600 file across restarts', async () => {
    const pins = await FileCertificatePins.open(join(dir, 'gateway.json'));
    await pins.set('01S00A123456789', 'a'.repeat(64));
    const again = await FileCertificatePins.open(join(dir, 'gateway.json'));
    expect(again.get('01S00A123456789')).toBe('a'.repeat(64));
    expect((await stat(join(dir, 'pins.json'))).mode & 0o777).toBe(0o600);
  });

  it('builds a backend by kind and refuses a kind this agent cannot drive yet', () => {
    const deps = { logger: createLogger('silent'), ledger: new JobLedger(), pins: new MemoryCertificatePins() };
    const backend = createBackend(
      { kind: 'octoprint', address: 'http://10.0.0.20/?x=1', secret: { apiKey: 'k' } },
      deps,
    );
    expect(backend.kind).toBe('octoprint');
    expect(backend.address).toBe('http://10.0.0.20');
    expect(() => createBackend({ kind: 'octoprint', address: 'http://10.0.0.20', secret: {} }, deps)).toThrow(
      /needs apiKey/,
    );
  });
});

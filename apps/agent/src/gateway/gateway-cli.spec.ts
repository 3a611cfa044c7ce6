import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCli } from '../cli/cli';
import { FakeEnrollmentServer } from '../testing/fake-enrollment-server';
import { parseCredentialsCsv } from './gateway-cli';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      env: {},
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('farmhand-agent gateway', () => {
  let dir: string;
  let server: FakeEnrollmentServer;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-cli-'));
    server = new FakeEnrollmentServer();
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('--help explains the files, the LAN secrets and the CSV columns', async () => {
    const run = io();
    expect(await runCli(['gateway', '--help'], run.io)).toBe(0);
    expect(run.out()).toMatch(/lan-secrets\.json/);
    expect(run.out()).toMatch(/accessCode/);
    expect(run.out()).toMatch(/kind \(octoprint\|moonraker\|prusalink\|bambu/);
  });

  it('enrolls every row of the credentials CSV once, by kind and address, into a 0600 file without LAN secrets', async () => {
    server.tokens.set('tok-octo', 'printer-1');
    server.tokens.set('tok-voron', 'printer-2');
    server.tokens.set('tok-x1c', 'printer-3');
    const csv = [
      'name,serial,fleet,token,expires_at,kind,address',
      'Octo-01,,A,tok-octo,2030-01-01,octoprint,http://10.0.0.20',
      'Voron-02,,A,tok-voron,2030-01-01,moonraker,http://10.0.0.22:7125',
      'X1C-03,01S00A123456789,A,tok-x1c,2030-01-01,bambu,10.0.0.23',
      'Bad-04,,A,tok-bad,2030-01-01,makerbot,http://10.0.0.24',
    ].join('\r\n');
    await writeFile(join(dir, 'credentials.csv'), csv);
    const config = join(dir, 'gateway.json');
    const run = io();
    const code = await runCli(
      ['gateway', 'enroll', '--server', server.url, '--credentials', join(dir, 'credentials.csv'), '--config', config],
      run.io,
    );
    expect(code).toBe(1); // the makerbot row is reported
    expect(run.err()).toMatch(/line 5 \(Bad-04\): kind must be one of/);
    expect(run.out()).toMatch(/Enrolled 3 printer/);
    const written = JSON.parse(await readFile(config, 'utf8')) as { printers: Array<Record<string, unknown>> };
    expect(written.printers.map((printer) => [printer.name, printer.kind, printer.printerId])).toEqual([
      ['Octo-01', 'octoprint', 'printer-1'],
      ['Voron-02', 'moonraker', 'printer-2'],
      ['X1C-03', 'bambu', 'printer-3'],
    ]);
    expect((await stat(config)).mode & 0o777).toBe(0o600);

    // A re-run skips the printers already enrolled (their tokens are spent) instead of failing on them.
    const again = io();
    await runCli(
      ['gateway', 'enroll', '--server', server.url, '--credentials', join(dir, 'credentials.csv'), '--config', config],
      again.io,
    );
    expect(again.err()).not.toMatch(/Octo-01/);
    expect(server.requests.filter((request) => request.path === '/api/enrollment/redeem')).toHaveLength(3);
  });

  it('refuses to run without enrolled printers', async () => {
    const run = io();
    expect(await runCli(['gateway', 'run', '--config', join(dir, 'none.json')], run.io)).toBe(1);
    expect(run.err()).toMatch(/gateway enroll first/);
  });

  it('reads the address from octoprint_url and defaults the kind to octoprint', () => {
    const { rows, problems } = parseCredentialsCsv('\ufeffName,Token,OctoPrint URL\nP1,t1,http://10.0.0.9\nP2,t2,\n');
    expect(rows).toEqual([
      { name: 'P1', token: 't1', kind: 'octoprint', address: 'http://10.0.0.9', serial: undefined },
    ]);
    expect(problems).toEqual(["line 3 (P2): the printer's address is missing"]);
  });
});

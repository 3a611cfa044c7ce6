import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AGENT_NAMESPACE } from '@farmhand/protocol';
import { Server } from 'socket.io';

import { OctoPrintFarm } from '../../../printer-sim/src/octoprint/octoprint-farm';
import { saveConfigFile } from '../config/agent-config';
import { FakeEnrollmentServer } from '../testing/fake-enrollment-server';
import { silentLogger } from '../testing/test-helpers';
import { runCli } from './cli';
import type { CliIo } from './cli';
import { waitFor } from '../../../../test/support/wait-for';

jest.setTimeout(20_000);

function io(env: NodeJS.ProcessEnv = {}, extra: Partial<CliIo> = {}) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      env,
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      sleep: async () => undefined,
      ...extra,
    } satisfies CliIo,
  };
}

describe('farmhand-agent CLI', () => {
  let enrollment: FakeEnrollmentServer;
  let configPath: string;

  beforeEach(async () => {
    enrollment = new FakeEnrollmentServer();
    await enrollment.start();
    configPath = join(mkdtempSync(join(tmpdir(), 'agent-cli-')), 'farmhand', 'config.json');
  });

  afterEach(() => enrollment.stop());

  it('enrolls with a token and writes the credential to a 0600 config file', async () => {
    enrollment.tokens.set('tok_abc', 'prn_42');
    const { out, io: cliIo } = io();
    const code = await runCli(
      [
        'enroll',
        '--server',
        enrollment.url,
        '--token',
        'tok_abc',
        '--config',
        configPath,
        '--octoprint-url',
        'http://octopi.local',
      ],
      cliIo,
    );
    expect(code).toBe(0);
    expect(out.stdout).toContain('prn_42');
    expect(out.stdout).not.toContain('fh_agent_');
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({
      server: enrollment.url,
      printerId: 'prn_42',
      credential: expect.stringMatching(/^fh_agent_prn_42_/),
      octoprintUrl: 'http://octopi.local',
    });
  });

  it('refuses to replace an enrollment without --force', async () => {
    enrollment.tokens.set('tok_1', 'prn_1').set('tok_2', 'prn_2');
    await runCli(['enroll', '--server', enrollment.url, '--token', 'tok_1', '--config', configPath], io().io);
    const second = io();
    expect(
      await runCli(['enroll', '--server', enrollment.url, '--token', 'tok_2', '--config', configPath], second.io),
    ).toBe(1);
    expect(second.out.stderr).toContain('--force');
    const forced = ['enroll', '--server', enrollment.url, '--token', 'tok_2', '--config', configPath, '--force'];
    expect(await runCli(forced, io().io)).toBe(0);
    expect(JSON.parse(readFileSync(configPath, 'utf8')).printerId).toBe('prn_2');
  });

  it('pairs with a user code and a QR code', async () => {
    const { out, io: cliIo } = io();
    expect(await runCli(['enroll', '--server', enrollment.url, '--pair', '--config', configPath], cliIo)).toBe(0);
    expect(out.stdout).toContain('WDJBM-JHT4K');
    expect(JSON.parse(readFileSync(configPath, 'utf8')).printerId).toBe('prn_paired');
  });

  it('reports a refused token with exit code 1', async () => {
    const { out, io: cliIo } = io();
    expect(await runCli(['enroll', '--server', enrollment.url, '--token', 'nope', '--config', configPath], cliIo)).toBe(
      1,
    );
    expect(out.stderr).toContain('token unknown or used');
  });

  it.each([
    [['enroll', '--token', 't']],
    [['enroll', '--server', 'http://x', '--token', 't', '--pair']],
    [['launch']],
    [['run', '--bogus']],
  ])('answers usage errors %j with exit code 2', async (argv) => {
    const { out, io: cliIo } = io();
    expect(await runCli(argv, cliIo)).toBe(2);
    expect(out.stderr).toContain('Usage:');
  });

  it('refuses to run before enrollment or without OctoPrint settings', async () => {
    const notEnrolled = io();
    expect(await runCli(['run', '--config', configPath], notEnrolled.io)).toBe(1);
    expect(notEnrolled.out.stderr).toContain('enroll');
    await saveConfigFile(configPath, { server: 'http://127.0.0.1:9', credential: 'c'.repeat(40) });
    const noOctoPrint = io();
    expect(await runCli(['run', '--config', configPath], noOctoPrint.io)).toBe(1);
    expect(noOctoPrint.out.stderr).toContain('OCTOPRINT_URL');
  });

  it('runs with OctoPrint from the environment until stopped', async () => {
    const farm = new OctoPrintFarm({ printers: 1, apiKey: 'env-key' });
    await farm.start();
    const http = createServer();
    const ioServer = new Server(http);
    const hellos: unknown[] = [];
    ioServer.of(AGENT_NAMESPACE).on('connection', (socket) => socket.on('hello', (hello) => hellos.push(hello)));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const server = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      await saveConfigFile(configPath, { server, printerId: 'prn_1', credential: 'c'.repeat(40) });
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const env = { OCTOPRINT_URL: farm.url(0), OCTOPRINT_API_KEY: 'env-key' };
      const running = runCli(
        ['run', '--config', configPath],
        io(env, { untilStopped: () => stopped, logger: silentLogger() }).io,
      );
      await waitFor(() => hellos.length === 1, 'hello');
      stop();
      expect(await running).toBe(0);
    } finally {
      await new Promise<void>((resolve) => void ioServer.close(() => resolve()));
      await farm.stop();
    }
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { AGENT_NAMESPACE, parseAgentMessage } from '@farmhand/protocol';
import { Server } from 'socket.io';

import { OctoPrintFarm } from '../../printer-sim/src/octoprint/octoprint-farm';
import { waitFor } from '../../../test/support/wait-for';

jest.setTimeout(60_000);

const CREDENTIAL = 'fh_agent_bundle_test_credential_abcdef';
const OCTOPRINT_KEY = 'bundle-octoprint-key';

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? { PATH: process.env.PATH } });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, output, exited };
}

describe('single-file agent bundle', () => {
  it('builds and runs with plain Node outside the repository, logging no secrets', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'agent-bundle-'));
    const bundle = join(directory, 'farmhand-agent.cjs');
    const builder = run(process.execPath, [resolve(__dirname, '../build.mjs'), '--outfile', bundle], {
      cwd: resolve(__dirname, '../../..'),
      env: process.env,
    });
    expect(await builder.exited).toBe(0);

    const farm = new OctoPrintFarm({ printers: 1, apiKey: OCTOPRINT_KEY });
    await farm.start();
    const http = createServer();
    const io = new Server(http);
    const received: string[] = [];
    io.of(AGENT_NAMESPACE).use((socket, next) =>
      next(socket.handshake.auth.credential === CREDENTIAL ? undefined : new Error('unauthorized')),
    );
    io.of(AGENT_NAMESPACE).on('connection', (socket) =>
      socket.onAny((event: string, payload: unknown) => {
        if (parseAgentMessage(event, payload).ok) received.push(event);
      }),
    );
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    const config = join(directory, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ server: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, credential: CREDENTIAL }),
      { mode: 0o600 },
    );
    const agent = run(process.execPath, [bundle, 'run', '--config', config], {
      cwd: directory,
      env: { PATH: process.env.PATH, OCTOPRINT_URL: farm.url(0), OCTOPRINT_API_KEY: OCTOPRINT_KEY },
    });
    try {
      await waitFor(() => received.includes('hello') && received.includes('status'), 'hello and status', 20_000);
      agent.child.kill('SIGTERM');
      expect(await agent.exited).toBe(0);
      const logs = agent.output.stdout.trim().split('\n');
      expect(logs.length).toBeGreaterThan(1);
      for (const line of logs) expect(JSON.parse(line)).toMatchObject({ role: 'agent' });
      expect(agent.output.stdout + agent.output.stderr).not.toContain(CREDENTIAL);
      expect(agent.output.stdout + agent.output.stderr).not.toContain(OCTOPRINT_KEY);
    } finally {
      agent.child.kill('SIGKILL');
      await new Promise<void>((done) => void io.close(() => done()));
      await farm.stop();
    }
  });
});

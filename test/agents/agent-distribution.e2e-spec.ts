import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createEnrollmentToken, createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import { CURRENT_AGENT_VERSION } from '@farmhand/protocol';
import { captureLogs, sleep, startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import { OctoPrintClient } from '../../apps/agent/src/octoprint/octoprint.client';
import { AgentRuntime } from '../../apps/agent/src/runtime/agent-runtime';
import type { OctoPrintFarm } from '../../apps/printer-sim/src/octoprint/octoprint-farm';
import { SIM_API_KEY, liveOf, startFarm } from './agent-harness';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../..');
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Runs `sh` with the script on stdin, as `curl … | sh -s -- <args>` does, in a home of its own. */
function runScript(script: string, args: string[], home: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn('sh', ['-s', '--', ...args], {
      env: { PATH: process.env.PATH, HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(script);
  });
}

describe('the api serves the agent', () => {
  let api: ApiHarness;
  let team: Team;
  let directory: string;
  let bundlePath: string;
  let farm: OctoPrintFarm;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'agent-distribution-'));
    bundlePath = join(directory, 'dist', 'farmhand-agent.cjs');
    await promisify(execFile)(process.execPath, [join(ROOT, 'apps/agent/build.mjs'), '--outfile', bundlePath], {
      cwd: ROOT,
    });
    api = await startApi({ AGENT_BUNDLE_PATH: bundlePath });
    team = await createTeam(api, 'Agent Downloads');
    farm = await startFarm(2);
  });
  afterAll(async () => {
    await farm?.stop();
    await api?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves the bundle with its SHA-256 and version, all three agreeing with the file', async () => {
    const file = readFileSync(bundlePath);

    const bundle = await fetch(`${api.url}/agent/farmhand-agent.cjs`);
    const body = Buffer.from(await bundle.arrayBuffer());
    const checksum = await (await fetch(`${api.url}/agent/farmhand-agent.cjs.sha256`)).text();
    const manifest = await (await fetch(`${api.url}/agent/version.json`)).json();

    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('x-farmhand-agent-version')).toBe(CURRENT_AGENT_VERSION);
    expect(body.equals(file)).toBe(true);
    expect(checksum).toBe(`${sha256(file)}  farmhand-agent.cjs\n`);
    expect(manifest).toEqual({ version: CURRENT_AGENT_VERSION, sha256: sha256(file), bytes: file.length });
  });

  it("the install script fetches the bundle from this server's PUBLIC_URL, checks it and runs it", async () => {
    const response = await fetch(`${api.url}/agent/install.sh`);
    const script = await response.text();
    const home = mkdtempSync(join(directory, 'home-'));

    const run = await runScript(script, ['--version'], home);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/x-shellscript');
    expect(script).toContain(`AGENT_URL=${api.config.PUBLIC_URL}/agent/farmhand-agent.cjs\n`);
    expect(script).toContain(`AGENT_SHA256=${sha256(readFileSync(bundlePath))}\n`);
    expect(run).toMatchObject({ code: 0, stdout: `${CURRENT_AGENT_VERSION}\n` });
    const installed = join(home, '.local/share/farmhand-agent/farmhand-agent.cjs');
    expect(readFileSync(installed).equals(readFileSync(bundlePath))).toBe(true);
  });

  it("an enrollment token's command is the install script of this server, enrolling against it", async () => {
    const created = await createEnrollmentToken(team.owner.client, team.orgId, { fleetId: team.fleetA });

    expect(created.agentCommand).toBe(
      `curl -fsSL ${api.config.PUBLIC_URL}/agent/install.sh | sh -s -- enroll --server ${api.config.PUBLIC_URL} ` +
        `--token ${created.token}`,
    );
    expect(created.agentCommand).not.toContain('npx');
  });

  it('an agent older than the release the server serves is told it is out of date; a current one is not', async () => {
    const logs = { old: captureLogs('agent'), current: captureLogs('agent') };
    const agents = await Promise.all(
      (['old', 'current'] as const).map(async (which, index) => {
        const printer = index === 0 ? team.printerA : team.printerB;
        const { logger } = logs[which];
        const runtime = new AgentRuntime({
          serverUrl: api.url,
          credential: await issueAgentCredential(api, { id: printer.id, orgId: team.orgId }),
          backend: new OctoPrintClient({ baseUrl: farm.url(index), apiKey: SIM_API_KEY, logger, pollIntervalMs: 200 }),
          logger,
          agentVersion: which === 'old' ? '0.0.9' : CURRENT_AGENT_VERSION,
          idleFrameIntervalSeconds: 0,
          frameIntervalSeconds: 3_600,
        });
        await runtime.start();
        return runtime;
      }),
    );
    try {
      const warnings = await waitFor(() => {
        const lines = logs.old.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        const found = lines.filter((line) => String(line.msg).startsWith('this agent is out of date'));
        return found.length > 0 ? found : null;
      }, 'the out-of-date warning');
      expect(warnings[0]).toMatchObject({
        level: 40,
        agentVersion: '0.0.9',
        latestAgentVersion: CURRENT_AGENT_VERSION,
        install: `curl -fsSL ${api.url}/agent/install.sh | sh`,
      });
      // The current agent was welcomed too (its hello is in presence) and said nothing about its version.
      await waitFor(async () => {
        const live = await liveOf(team.owner.client, team.orgId, team.printerB.id);
        return live.body?.live?.agent?.agentVersion === CURRENT_AGENT_VERSION || null;
      }, 'the current agent online');
      await sleep(500);
      expect(logs.current.lines.join('')).not.toContain('out of date');
    } finally {
      await Promise.all(agents.map((agent) => agent.stop()));
    }
  });

  it('the install script refuses a bundle whose checksum is not the one it pins, and installs nothing', async () => {
    const script = await (await fetch(`${api.url}/agent/install.sh`)).text();
    // The bundle changes between the script's download and the bundle's (a tampered mirror, a half-deployed server).
    writeFileSync(bundlePath, 'console.log("not the agent");\n');
    const home = mkdtempSync(join(directory, 'home-'));

    const run = await runScript(script, ['--version'], home);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('checksum mismatch');
    expect(run.stdout).toBe('');
    expect(existsSync(join(home, '.local/share/farmhand-agent/farmhand-agent.cjs'))).toBe(false);
    // The server serves the new file's checksum from now on (it re-reads a changed bundle).
    const checksum = await (await fetch(`${api.url}/agent/farmhand-agent.cjs.sha256`)).text();
    expect(checksum.split(' ')[0]).toBe(sha256('console.log("not the agent");\n'));
  });

  it('without a bundle every download is a 404 naming the problem, and other /agent paths are 404s', async () => {
    rmSync(bundlePath);

    for (const path of ['install.sh', 'farmhand-agent.cjs', 'farmhand-agent.cjs.sha256', 'version.json']) {
      const response = await fetch(`${api.url}/agent/${path}`);
      expect([path, response.status, await response.json()]).toEqual([
        path,
        404,
        { error: { code: 'agent_bundle_missing', message: expect.any(String) } },
      ]);
    }
    // fetch resolves the dots itself (the request is for /etc/passwd, which the dashboard answers): nothing of the file.
    const traversal = await fetch(`${api.url}/agent/../../etc/passwd`);
    expect(await traversal.text()).not.toContain('root:');
    expect((await fetch(`${api.url}/agent/%2e%2e%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${api.url}/agent/install.sh`, { method: 'POST' })).status).toBe(404);
  });
});

import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createTeam, type Team, createEnrollmentToken } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { runCli, type CliIo } from '../../apps/agent/src/cli/cli';
import { claim, printerOfCredential, rewindPolls } from './enrollment-test-helpers';

/** The real agent CLI (`farmhand-agent enroll`), in process, against the booted api: both ends of the contract. */
describe('farmhand-agent enroll against the api', () => {
  let api: ApiHarness;
  let team: Team;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'Agent Farm');
  });
  afterAll(() => api.close());

  function cli(extra: Partial<CliIo> = {}) {
    const out = { stdout: '', stderr: '' };
    const io: CliIo = {
      env: {},
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      ...extra,
    };
    return { out, io };
  }
  const configPath = () => join(mkdtempSync(join(tmpdir(), 'farmhand-agent-e2e-')), 'config.json');

  it('enrolls with an admin token (--token) and the saved credential acts as the new printer', async () => {
    const { token } = await createEnrollmentToken(team.admin.client, team.orgId, {
      fleetId: team.fleetA,
      printerName: 'CLI token',
    });
    const path = configPath();
    const { out, io } = cli();
    const code = await runCli(['enroll', '--server', api.url, '--token', token, '--config', path], io);
    expect(out.stderr).toBe('');
    expect(code).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const config = JSON.parse(readFileSync(path, 'utf8'));
    expect(config).toEqual({
      server: api.config.PUBLIC_URL.replace(/\/$/, ''),
      printerId: expect.any(String),
      credential: expect.stringMatching(/^fh_agent_/),
    });
    expect(out.stdout).toContain(config.printerId);
    expect(out.stdout).not.toContain(config.credential);
    expect(await printerOfCredential(api, config.credential)).toBe(config.printerId);
    const printer = await team.owner.client.get(`/api/orgs/${team.orgId}/printers/${config.printerId}`);
    expect(printer.body).toMatchObject({ name: 'CLI token', fleetId: team.fleetA });

    // The token was single use: a second agent is refused with the server's message.
    const again = cli();
    expect(await runCli(['enroll', '--server', api.url, '--token', token, '--config', configPath()], again.io)).toBe(1);
    expect(again.out.stderr).toContain('unknown, used up, expired or revoked');
  });

  it('pairs (--pair): prints a code that an admin claims through the API, then receives its credential', async () => {
    const path = configPath();
    let claimed: Promise<unknown> | undefined;
    const { out, io } = cli({
      // Time passes for the poll interval without the test waiting for it.
      sleep: async (ms) => {
        await rewindPolls(api, ms / 1000);
        await delay(10);
      },
    });
    const watcher = (async () => {
      for (let attempt = 0; attempt < 500; attempt++) {
        const shown = /\b([0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5})\b/.exec(out.stdout);
        if (shown) {
          claimed = claim(team.admin.client, team.orgId, {
            userCode: shown[1]!,
            name: 'CLI paired',
            fleetId: team.fleetB,
          });
          return (await claimed) as { status: number; body: { printerId: string } };
        }
        await delay(10);
      }
      throw new Error('the agent never printed a user code');
    })();
    const code = await runCli(['enroll', '--server', api.url, '--pair', '--config', path], io);
    const approval = await watcher;
    expect(out.stderr).toBe('');
    expect(code).toBe(0);
    expect(approval.status).toBe(201);
    expect(out.stdout).toContain(`${api.config.PUBLIC_URL.replace(/\/$/, '')}/enroll/pair`);
    const config = JSON.parse(readFileSync(path, 'utf8'));
    expect(config.printerId).toBe(approval.body.printerId);
    expect(await printerOfCredential(api, config.credential)).toBe(config.printerId);
    const printer = await team.owner.client.get(`/api/orgs/${team.orgId}/printers/${config.printerId}`);
    expect(printer.body).toMatchObject({ name: 'CLI paired', fleetId: team.fleetB });
  });
});

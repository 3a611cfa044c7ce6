import { DEFAULT_METRICS_PORTS, JobQueue, MetricsServer, loadConfig } from '@farmhand/core';
import { createTeam, issueAgentCredential, type Team } from '@farmhand/factories';
import type { Command } from '@farmhand/protocol';
import { startApi, startWorker, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import type { Socket } from 'socket.io-client';
import { act, connected, hello, rawAgent, status } from '../agents/agent-harness';

/** One sample of a Prometheus text exposition, labels matched exactly (in any order); undefined when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    const wanted = Object.entries(labels);
    if (wanted.length === Object.keys(found).length && wanted.every(([key, value]) => found[key] === value)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

/**
 * `/metrics` after real activity: an agent connected and reporting, commands answered, refused and sent to an
 * offline printer, jobs waiting in a queue and jobs run by a worker (scraped from the worker's own listener).
 */
describe('metrics', () => {
  let api: ApiHarness;
  let team: Team;
  let agent: Socket;
  let worker: RoleHarness | null = null;
  let workerMetricsUrl: string;
  let apiMetricsUrl: string;

  const scrape = async (url = apiMetricsUrl) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return response.text();
  };
  /** Scrapes until `ready` holds (counters move as the work completes; queue depth is cached for a few seconds). */
  const scrapeUntil = async (what: string, ready: (text: string) => boolean, url?: string) => {
    let text = '';
    await waitFor(async () => ready((text = await scrape(url))), what);
    return text;
  };

  beforeAll(async () => {
    api = await startApi();
    // As main.ts does, on a free port: the api's metrics listener, apart from its public port.
    const port = await api.app.get(MetricsServer).listenFor('api', { METRICS_PORT: 0, METRICS_HOST: '127.0.0.1' });
    expect(port).toBeNull();
    apiMetricsUrl = `http://127.0.0.1:${(await api.app.get(MetricsServer).listen(0, '127.0.0.1'))!}/metrics`;
    team = await createTeam(api);
    agent = rawAgent(api.url, { credential: await issueAgentCredential(api, team.printerA) });
    agent.on('command', (command: Command, ack: (result: unknown) => void) => {
      // Pauses are acknowledged; anything else is refused the way a real agent refuses a command in the wrong state.
      ack(
        command.type === 'pause'
          ? { id: command.id, ok: true, data: { accepted: true }, finishedAt: Date.now() }
          : {
              id: command.id,
              ok: false,
              error: { code: 'invalid_state', message: 'not paused' },
              finishedAt: Date.now(),
            },
      );
    });
    await connected(agent);
    agent.emit('hello', hello());
    agent.emit('status', status());
  });

  afterAll(async () => {
    agent?.disconnect();
    await worker?.close();
    await api?.close();
  });

  it('counts the connected agent and its messages', async () => {
    const text = await scrapeUntil(
      'the status counted',
      (body) => (sample(body, 'farmhand_agent_messages_total', { event: 'status', outcome: 'accepted' }) ?? 0) >= 1,
    );
    expect(sample(text, 'farmhand_agent_connections')).toBe(1);
    expect(sample(text, 'farmhand_agent_messages_total', { event: 'hello', outcome: 'accepted' })).toBe(1);
  });

  it('times commands by type and outcome: acknowledged, refused by the agent, printer offline', async () => {
    expect((await act(team.operator.client, team.orgId, team.printerA.id, 'pause')).status).toBe(200);
    const refused = await act(team.operator.client, team.orgId, team.printerA.id, 'resume');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('invalid_state');
    const offline = await act(team.operator.client, team.orgId, team.printerB.id, 'pause');
    expect(offline.status).toBe(409);
    expect(offline.body.error.code).toBe('printer_offline');

    const text = await scrape();
    const count = (type: string, outcome: string) =>
      sample(text, 'farmhand_agent_command_seconds_count', { type, outcome });
    expect(count('pause', 'ack')).toBe(1);
    expect(count('resume', 'refused')).toBe(1);
    expect(count('pause', 'offline')).toBe(1);
    expect(count('resume', 'ack')).toBeUndefined();
    expect(sample(text, 'farmhand_agent_command_seconds_bucket', { type: 'pause', outcome: 'ack', le: '+Inf' })).toBe(
      1,
    );
    expect(sample(text, 'farmhand_agent_commands_total', { type: 'resume', outcome: 'invalid_state' })).toBe(1);
  });

  it('reports the depth of every queue, shared through Redis, on the api', async () => {
    await api.app.get(JobQueue).enqueue('sessions.prune', { orgId: null }, { delay: 3_600_000 });
    const text = await scrapeUntil(
      'the delayed job counted',
      (body) => sample(body, 'farmhand_queue_jobs', { queue: 'maintenance', state: 'delayed' }) === 1,
    );
    for (const queue of ['maintenance', 'scheduling', 'dispatch']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sample(text, 'farmhand_queue_jobs', { queue, state })).toEqual(expect.any(Number));
      }
    }
  });

  it('does not serve /metrics on the public port: it needs no credential, so it stays on METRICS_PORT', async () => {
    const publicPort = await fetch(`${api.url}/metrics`);
    expect(publicPort.status).toBe(404);
    expect(await publicPort.text()).not.toContain('farmhand_');
    expect(DEFAULT_METRICS_PORTS.api).not.toBe(api.config.PORT);
    expect(loadConfig({}).METRICS_HOST).toBe('127.0.0.1');
  });

  it("serves the worker's job durations and scheduler passes on the worker's own /metrics listener", async () => {
    worker = await startWorker({ DATABASE_POOL_SIZE: '3' }, { api });
    const port = await worker.app.get(MetricsServer).listen(0, '127.0.0.1');
    expect(port).toEqual(expect.any(Number));
    workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;

    await api.app.get(JobQueue).enqueue('scheduler.pass', { orgId: team.orgId, reason: 'metrics test' });
    await api.app.get(JobQueue).enqueue('sessions.prune', { orgId: null });
    const text = await scrapeUntil(
      'the worker to run both jobs',
      (body) => {
        const pruned = sample(body, 'farmhand_job_duration_seconds_count', {
          queue: 'maintenance',
          job: 'sessions.prune',
          outcome: 'completed',
        });
        const passes = sample(body, 'farmhand_scheduler_pass_seconds_count', {
          scope: 'organization',
          outcome: 'completed',
        });
        return (pruned ?? 0) >= 1 && (passes ?? 0) >= 1;
      },
      workerMetricsUrl,
    );
    expect(
      sample(text, 'farmhand_job_duration_seconds_count', {
        queue: 'scheduling',
        job: 'scheduler.pass',
        outcome: 'completed',
      }),
    ).toBeGreaterThanOrEqual(1);
    // Nothing is queued for printing: the pass ran and assigned nothing.
    expect(sample(text, 'farmhand_scheduler_assignments_total')).toBe(0);
    // The worker has no agents of its own but the same queue depth view.
    expect(sample(text, 'farmhand_queue_jobs', { queue: 'maintenance', state: 'delayed' })).toEqual(expect.any(Number));

    const elsewhere = await fetch(workerMetricsUrl.replace('/metrics', '/api/health'));
    expect(elsewhere.status).toBe(404);
  });
});

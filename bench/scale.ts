/**
 * Scale benchmark: n simulated agents (bench/fleet.ts's `FakeAgent`: real credentials, a status every 5 s, commands
 * acknowledged at once) spread evenly over TWO api processes (the built api, as production runs it) on one
 * PostgreSQL and one Redis. Measures, in one run:
 *   - status messages/s both instances handled together (their `farmhand_agent_messages_total` counters),
 *   - command round trips through the HTTP control path (session, CASL, printer lookup, audit entry, command bus),
 *     a quarter each: via api B to agents on api A, via A to agents on B (both across instances, through the Redis
 *     adapter), via A to its own agents, via B to its own; p50/p99 across and local, and p99 of all (the last line),
 *   - the same command through the command bus alone, from this process as the worker sends it,
 *   - each api's peak RSS (VmHWM) and CPU, and this process's (it runs every agent, on the same cores),
 *   - a baseline: a raw socket.io echo round trip (no auth, no validation, no Redis) in this process.
 * Agents connect in a ramp (FLEET_CONNECT_CONCURRENCY handshakes in flight, default 200); each holds one socket, so
 * this process needs about n file descriptors (`ulimit -n`).
 * Last line: `scale <n> agents / 2 api: <msgs>/s, rtt p99 <ms> ms, rss <MB> MB per instance` (the larger peak).
 *
 * Needs a built api (`npm run build:server`, or pass --build) and PostgreSQL + Redis (TEST_POSTGRES_URL,
 * TEST_REDIS_URL, else the local defaults). Run: npm run bench:scale -- [--agents 10000] [--seconds 30]
 * [--commands 400]
 */
import 'reflect-metadata';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { AgentCommandBus } from '@farmhand/agents';
import { runMigrationsWithLock } from '@farmhand/core';
import type { Command } from '@farmhand/protocol';
import { createFarmhandDataSource } from '@farmhand/schema';
import pino from 'pino';
import {
  API_ENTRY,
  FakeAgent,
  REDIS_URL,
  STATUS_PERIOD_MS,
  acceptedStatuses,
  admin,
  cpuSecondsOf,
  databaseUrl,
  deleteKeys,
  echoBaseline,
  memoryOf,
  percentile,
  seed,
  signUpBenchFarm,
  sleep,
  startApi,
  stopApi,
  timedRuns,
} from './fleet';

const CONNECT_CONCURRENCY = Number(process.env.FLEET_CONNECT_CONCURRENCY ?? 200);
const COMMAND_CONCURRENCY = 4;
const INSTANCES = ['A', 'B'] as const;
type Instance = (typeof INSTANCES)[number];

interface Options {
  agents: number;
  seconds: number;
  commands: number;
  build: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { agents: 10_000, seconds: 30, commands: 400, build: false };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = Number(argv[index + 1]);
    if (flag === '--build') options.build = true;
    else if (flag === '--agents' || flag === '--seconds' || flag === '--commands') {
      if (!Number.isInteger(value) || value < 2) throw new Error(`${flag} needs an integer of at least 2`);
      options[flag.slice(2) as 'agents' | 'seconds' | 'commands'] = value;
      index++;
    } else throw new Error(`unknown option ${flag}`);
  }
  if (options.agents > 20_000) throw new Error('--agents is capped at 20000');
  return options;
}

/** The open-files limit of this process (every agent holds a socket here). */
function openFilesLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const fixed = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const needed = options.agents + 500;
  if (openFilesLimit() < needed) {
    throw new Error(
      `ulimit -n is ${openFilesLimit()}: ${options.agents} agents need about ${needed} (ulimit -n ${needed})`,
    );
  }
  if (options.build) execFileSync('node', ['scripts/build-server.mjs'], { stdio: 'inherit' });
  if (!existsSync(API_ENTRY)) {
    throw new Error(`${API_ENTRY} is missing: build first (npm run build:server, or pass --build)`);
  }

  const id = `fh_bench_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(id);
  const ports = { A: await freePort(), B: await freePort() };
  const apiUrl = { A: `http://127.0.0.1:${ports.A}`, B: `http://127.0.0.1:${ports.B}` };
  // `/metrics` is served on a listener of its own per instance, not on the api port.
  const metricsPorts = { A: await freePort(), B: await freePort() };
  const metricsUrl = { A: `http://127.0.0.1:${metricsPorts.A}`, B: `http://127.0.0.1:${metricsPorts.B}` };
  const secretKey = randomBytes(32).toString('hex');
  const envFor = (instance: Instance) => ({
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(ports[instance]),
    METRICS_PORT: String(metricsPorts[instance]),
    PUBLIC_URL: apiUrl[instance],
    DATABASE_URL: url,
    REDIS_URL,
    // One prefix: the instances share presence, rate limits, the socket.io adapter and the queues.
    REDIS_PREFIX: id,
    LOG_LEVEL: 'warn',
    SECRET_KEY: secretKey,
  });

  const apis: Partial<Record<Instance, ChildProcess>> = {};
  let bus: AgentCommandBus | null = null;
  const agents: FakeAgent[] = [];
  const started = Date.now();
  await admin((client) => client.query(`CREATE DATABASE "${id}"`));
  try {
    const dataSource = createFarmhandDataSource(url, { applicationName: 'farmhand-bench' });
    await dataSource.initialize();
    await runMigrationsWithLock(dataSource);
    await dataSource.destroy();

    // One after the other: both booting at once on two cores only slows both.
    for (const instance of INSTANCES) apis[instance] = await startApi(envFor(instance), ports[instance]);
    process.once('SIGINT', () => {
      for (const child of Object.values(apis)) child?.kill('SIGKILL');
      process.exit(130);
    });
    const pid = { A: apis.A!.pid!, B: apis.B!.pid! };

    // The session lives in PostgreSQL: the same cookie works on either instance.
    const { orgId, fleetId, headers } = await signUpBenchFarm(apiUrl.A, id);
    const issued = await seed(url, orgId, fleetId, options.agents);
    console.log(`seeded ${issued.length} printers and credentials in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Even-numbered agents on A, odd on B.
    const home = (index: number): Instance => (index % 2 === 0 ? 'A' : 'B');
    const peak = { A: 0, B: 0 };
    const sampleMemory = () => {
      for (const instance of INSTANCES) peak[instance] = Math.max(peak[instance], memoryOf(pid[instance]).rss);
    };
    const sampler = setInterval(sampleMemory, 500);

    const connectStarted = Date.now();
    issued.forEach((agent, index) => agents.push(new FakeAgent(apiUrl[home(index)], agent.credential)));
    const connects = await timedRuns(agents.length, CONNECT_CONCURRENCY, (index) => agents[index]!.connect());
    if (connects.failures.length) {
      throw new Error(`${connects.failures.length} agents failed to connect: ${connects.failures[0]}`);
    }
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    console.log(
      `connected ${agents.length} agents (${Math.ceil(agents.length / 2)} on A, ${Math.floor(agents.length / 2)} on B) ` +
        `in ${connectSeconds.toFixed(1)} s (${(agents.length / connectSeconds).toFixed(0)} handshakes/s, ` +
        `${CONNECT_CONCURRENCY} at a time, p50 ${percentile(connects.times, 50).toFixed(0)} ms, ` +
        `p99 ${percentile(connects.times, 99).toFixed(0)} ms)`,
    );
    for (const agent of agents) agent.startReporting();
    await sleep(STATUS_PERIOD_MS);

    bus = new AgentCommandBus({ REDIS_URL, REDIS_PREFIX: id }, pino({ level: 'warn' }));
    const accepted = async () => (await acceptedStatuses(metricsUrl.A)) + (await acceptedStatuses(metricsUrl.B));
    const windowStart = Date.now();
    const acceptedBefore = await accepted();
    const sentBefore = agents.reduce((sum, agent) => sum + agent.sent, 0);
    const cpuBefore = { A: cpuSecondsOf(pid.A), B: cpuSecondsOf(pid.B), bench: process.cpuUsage() };

    // Route i: via (A|B) to an agent on (A|B); the two cross routes are half of the sample.
    const routes: Array<{ via: Instance; to: Instance }> = [
      { via: 'B', to: 'A' },
      { via: 'A', to: 'B' },
      { via: 'A', to: 'A' },
      { via: 'B', to: 'B' },
    ];
    const randomAgentOn = (instance: Instance) => {
      const index = 2 * Math.floor(Math.random() * Math.floor(issued.length / 2)) + (instance === 'A' ? 0 : 1);
      return issued[index]!.printerId;
    };
    const cross: number[] = [];
    const local: number[] = [];
    const viaHttp = await timedRuns(options.commands, COMMAND_CONCURRENCY, async (index) => {
      const route = routes[index % routes.length]!;
      const printerId = randomAgentOn(route.to);
      const begun = process.hrtime.bigint();
      const response = await fetch(`${apiUrl[route.via]}/api/orgs/${orgId}/printers/${printerId}/actions/pause`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      (route.via === route.to ? local : cross).push(Number(process.hrtime.bigint() - begun) / 1e6);
    });
    const viaBus = await timedRuns(Math.min(options.commands, 200), COMMAND_CONCURRENCY, async () => {
      const printerId = issued[Math.floor(Math.random() * issued.length)]!.printerId;
      const command: Command = { id: randomUUID(), type: 'pause', args: {}, expiresAt: Date.now() + 15_000 };
      const delivery = await bus!.deliver(printerId, command, command.expiresAt!);
      if (delivery.status !== 'answered') throw new Error(`command ${delivery.status}`);
    });

    const remaining = windowStart + options.seconds * 1000 - Date.now();
    if (remaining > 0) await sleep(remaining);
    for (const agent of agents) agent.stopReporting();
    const sentAfter = agents.reduce((sum, agent) => sum + agent.sent, 0);
    const windowSeconds = (Date.now() - windowStart) / 1000;
    const cpu = {
      A: cpuSecondsOf(pid.A) - cpuBefore.A,
      B: cpuSecondsOf(pid.B) - cpuBefore.B,
      bench: (() => {
        const used = process.cpuUsage(cpuBefore.bench);
        return (used.user + used.system) / 1e6;
      })(),
    };
    let acceptedAfter = await accepted();
    const drainStarted = Date.now();
    while (acceptedAfter - acceptedBefore < sentAfter - sentBefore && Date.now() - drainStarted < 15_000) {
      await sleep(100);
      acceptedAfter = await accepted();
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    clearInterval(sampler);
    sampleMemory();
    for (const instance of INSTANCES) peak[instance] = Math.max(peak[instance], memoryOf(pid[instance]).peak);
    const connectedNow = await Promise.all(INSTANCES.map((instance) => connectionsOf(metricsUrl[instance])));

    const echo = await echoBaseline(200);
    const handled = (acceptedAfter - acceptedBefore) / (windowSeconds + (drainSeconds > 0.2 ? drainSeconds : 0));
    const offered = (sentAfter - sentBefore) / windowSeconds;
    const all = [...cross, ...local];
    const percent = (seconds: number) => `${((100 * seconds) / windowSeconds).toFixed(0)}%`;
    console.log(
      `window ${windowSeconds.toFixed(1)} s: statuses offered ${offered.toFixed(0)}/s, handled ${handled.toFixed(0)}/s ` +
        `(${acceptedAfter - acceptedBefore} of ${sentAfter - sentBefore}, caught up ${drainSeconds.toFixed(1)} s after); ` +
        `agents connected A ${connectedNow[0]}, B ${connectedNow[1]}`,
    );
    console.log(
      `cpu of one core: api A ${percent(cpu.A)}, api B ${percent(cpu.B)}, this process (every agent) ` +
        `${percent(cpu.bench)}; ${cpus().length} cores`,
    );
    console.log(
      `HTTP control path: ${viaHttp.times.length} ok, ${viaHttp.failures.length} failed` +
        `${viaHttp.failures[0] ? ` (${viaHttp.failures[0]})` : ''}; across instances (B->A, A->B) ` +
        `p50 ${fixed(percentile(cross, 50))} ms p99 ${fixed(percentile(cross, 99))} ms; same instance ` +
        `p50 ${fixed(percentile(local, 50))} ms p99 ${fixed(percentile(local, 99))} ms`,
    );
    console.log(
      `command bus alone (from this process, as the worker): ${viaBus.times.length} ok, ${viaBus.failures.length} ` +
        `failed; p50 ${fixed(percentile(viaBus.times, 50))} ms p99 ${fixed(percentile(viaBus.times, 99))} ms`,
    );
    console.log(
      `baseline raw socket.io echo (same process, no auth/validation/Redis): p50 ${fixed(percentile(echo, 50))} ms ` +
        `p99 ${fixed(percentile(echo, 99))} ms`,
    );
    console.log(
      `rss peak: api A ${mb(peak.A)} MB, api B ${mb(peak.B)} MB; this process ` + `${mb(process.memoryUsage().rss)} MB`,
    );
    console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(
      `scale ${options.agents} agents / 2 api: ${handled.toFixed(0)}/s, rtt p99 ${fixed(percentile(all, 99))} ms, ` +
        `rss ${mb(Math.max(peak.A, peak.B))} MB per instance`,
    );
  } finally {
    const steps: Array<[string, () => Promise<unknown> | unknown]> = [
      ['agents', () => agents.forEach((agent) => agent.stop())],
      ['command bus', () => bus?.onApplicationShutdown()],
      ['api A', () => stopApi(apis.A ?? null)],
      ['api B', () => stopApi(apis.B ?? null)],
      ['database', () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${id}" WITH (FORCE)`))],
      ['redis keys', () => deleteKeys(id)],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        console.error(`cleanup of ${what} failed: ${String(error)}`);
      }
    }
  }
}

async function connectionsOf(metricsUrl: string): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  return Number(/^farmhand_agent_connections (\d+)/m.exec(text)?.[1] ?? NaN);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * Fleet benchmark: ONE api process (the built api, `node dist/apps/api/src/main.js`, as production runs it) and n
 * lightweight simulated agents (socket.io clients with real credentials, issued in bulk straight into a scratch
 * database), each sending a status every 5 s and acknowledging commands at once. Measures, in one run:
 *   - status messages/s the api handled (its own `farmhand_agent_messages_total` counter, over the window),
 *   - command round trip p50/p99 through the command bus (`AgentCommandBus`, from this process as the worker uses
 *     it: Redis adapter -> api instance -> agent socket -> acknowledgement back), commands to random agents,
 *   - the same through the HTTP control path (session, CASL, printer lookup, audit entry),
 *   - the api's peak RSS (VmHWM of /proc/<pid>/status),
 *   - a baseline: a raw socket.io echo round trip (no auth, no validation, no Redis) in this process.
 * Last line: `fleet <n> agents: <msgs>/s, rtt p50 <ms> ms p99 <ms> ms, rss <MB> MB`.
 *
 * Needs a built api (`npm run build:server`, which rewrites the path aliases; or pass --build) and PostgreSQL + Redis (TEST_POSTGRES_URL,
 * TEST_REDIS_URL, else the local defaults). Run: npm run bench:fleet -- --agents 1000 [--seconds 20] [--commands 200]
 *
 * With `--mix octoprint,moonraker,prusalink,bambu` (and `--mix-printers 40`, `--per-gateway 50`), that many of the
 * agents are real printers of those kinds on the simulators behind farm gateways (bench/fleet-mix.ts): the commands
 * then go to them (api -> gateway -> backend -> simulator and back), the last line's rtt is theirs, and a `mix` line
 * compares it with the same commands to the lightweight agents (the baseline ratio). The gateways multiplex their
 * printers on one server socket per 200 (protocol 2); `--per-socket 0` gives each printer its own socket instead.
 */
import 'reflect-metadata';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentCommandBus } from '@farmhand/agents';
import { runMigrationsWithLock } from '@farmhand/core';
import { issueAgentCredential } from '@farmhand/enrollment';
import { PROTOCOL_VERSION, type Command, type Status } from '@farmhand/protocol';
import { createFarmhandDataSource } from '@farmhand/schema';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import pino from 'pino';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import type { SimKind } from '../apps/printer-sim/src/core/sim-kind';
import { parseMix, startMixedFarm, type MixedFarm } from './fleet-mix';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const API_ENTRY = 'dist/apps/api/src/main.js';
export const STATUS_PERIOD_MS = 5_000;
const CONNECT_CONCURRENCY = Number(process.env.FLEET_CONNECT_CONCURRENCY ?? 200);
const COMMAND_CONCURRENCY = 4;

interface Options {
  agents: number;
  seconds: number;
  commands: number;
  build: boolean;
  /** Printer kinds served through farm gateways (`--mix octoprint,moonraker,prusalink,bambu`); null: none. */
  mix: SimKind[] | null;
  /** How many of the agents are gateway printers on simulators (the rest stay lightweight agents). */
  mixPrinters: number;
  perGateway: number;
  /** Printers per multiplexed gateway socket (`--per-socket`, default the gateway's own; 0: one socket each). */
  perSocket: number | undefined;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    agents: 1_000,
    seconds: 20,
    commands: 200,
    build: false,
    mix: null,
    mixPrinters: 40,
    perGateway: 50,
    perSocket: undefined,
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = Number(argv[index + 1]);
    if (flag === '--build') options.build = true;
    else if (flag === '--mix') {
      options.mix = parseMix(argv[index + 1] ?? '');
      index++;
    } else if (flag === '--per-socket') {
      if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs an integer >= 0`);
      options.perSocket = value;
      index++;
    } else if (flag === '--mix-printers' || flag === '--per-gateway') {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
      if (flag === '--mix-printers') options.mixPrinters = value;
      else options.perGateway = value;
      index++;
    } else if (flag === '--agents' || flag === '--seconds' || flag === '--commands') {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer`);
      options[flag.slice(2) as 'agents' | 'seconds' | 'commands'] = value;
      index++;
    } else throw new Error(`unknown option ${flag}`);
  }
  if (options.agents > 20_000) throw new Error('--agents is capped at 20000');
  return options;
}

/** A port nothing listens on right now (another engineer's api may hold the default metrics port). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function memoryOf(pid: number): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
}

/** CPU seconds (user + system) the process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function status(sentAt: number): Status {
  return {
    state: 'printing',
    stateText: 'Printing',
    backend: 'ok',
    temperatures: { tool0: { actual: 209.6, target: 210 }, bed: { actual: 60.1, target: 60 } },
    job: { fileName: 'benchy.gcode' },
    progress: Math.round(Math.random() * 1000) / 10,
    printTime: 600,
    printTimeLeft: 1_200,
    z: 4.2,
    error: null,
    sentAt,
  };
}

/** What the bench knows of an api process it started: memory over its life and how it ended. */
export interface ApiLife {
  pid: number;
  rss: number;
  peakRss: number;
  exit: { code: number | null; signal: NodeJS.Signals | null; expected: boolean } | null;
  /** The last lines the api wrote (its pino logs on stdout, anything fatal on stderr). */
  logTail: string;
  oomKillsAtStart: number | null;
}

const lives = new WeakMap<ChildProcess, ApiLife>();

export function apiLife(child: ChildProcess): ApiLife | undefined {
  return lives.get(child);
}

/** The kernel's OOM kill counter of this machine's memory cgroup (v2 `memory.events`, v1 `memory.oom_control`). */
export function oomKills(): number | null {
  for (const file of ['/sys/fs/cgroup/memory.events', '/sys/fs/cgroup/memory/memory.oom_control']) {
    try {
      const match = /^oom_kill (\d+)/m.exec(readFileSync(file, 'utf8'));
      if (match) return Number(match[1]);
    } catch {
      // not this cgroup version
    }
  }
  return null;
}

/** Kernel log lines about the process (the OOM killer names the pid it kills); empty when dmesg is not readable. */
function kernelLinesAbout(pid: number): string[] {
  try {
    return execFileSync('dmesg', [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((line) => line.includes(`Killed process ${pid} `) || (/oom/i.test(line) && line.includes(String(pid))));
  } catch {
    return [];
  }
}

/** One line on how the api ended: exit code or signal, its memory, and the OOM killer's verdict. */
export function describeApiExit(life: ApiLife): string {
  const exit = life.exit;
  const how = !exit ? 'still running' : exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  const oomNow = oomKills();
  const oom =
    life.oomKillsAtStart === null || oomNow === null
      ? 'oom kills: unknown'
      : `oom kills during the run: ${oomNow - life.oomKillsAtStart}`;
  const kernel = kernelLinesAbout(life.pid);
  return (
    `api pid ${life.pid} ${how}${exit && !exit.expected ? ' (UNEXPECTED)' : ''}; ` +
    `rss last ${(life.rss / 2 ** 20).toFixed(0)} MB, peak ${(life.peakRss / 2 ** 20).toFixed(0)} MB; ${oom}` +
    (kernel.length ? `; kernel: ${kernel.slice(-2).join(' | ')}` : '')
  );
}

export async function startApi(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  // FLEET_API_NODE_ARGS: extra node flags for the api (e.g. --cpu-prof to profile it).
  const nodeArgs = (process.env.FLEET_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // stdout is read too: the api logs (pino) there, and a fatal error logged before an exit must not be lost.
  const child = spawn(process.execPath, [...nodeArgs, API_ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const life: ApiLife = {
    pid: child.pid ?? -1,
    rss: 0,
    peakRss: 0,
    exit: null,
    logTail: '',
    oomKillsAtStart: oomKills(),
  };
  lives.set(child, life);
  const keep = (chunk: Buffer) => (life.logTail = (life.logTail + chunk.toString()).slice(-4_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // Sampled for the whole life of the api, so that a crash still reports the memory it had reached.
  const sampler = setInterval(() => {
    try {
      const memory = memoryOf(life.pid);
      // A process that has exited but is not reaped yet reads as 0: keep the last real figure.
      if (memory.rss > 0) life.rss = memory.rss;
      life.peakRss = Math.max(life.peakRss, memory.peak, memory.rss);
    } catch {
      // gone
    }
  }, 500);
  sampler.unref();
  child.once('exit', (code, signal) => {
    clearInterval(sampler);
    life.exit = { code, signal, expected: stopping.has(child) };
    if (!life.exit.expected) {
      console.error(describeApiExit(life));
      console.error(`api's last output: ${life.logTail.slice(-2_000) || '(none)'}`);
    }
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`api exited (${child.exitCode}): ${life.logTail}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`api did not become healthy: ${life.logTail}`);
}

/** Sign-up answers 202 for every address (issue 18): sign in next, and take the organization from the list. */
export async function signUpAndSignIn(
  base: string,
  body: { email: string; password: string; displayName: string; organizationName: string },
) {
  const signUp = await fetch(`${base}/api/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (signUp.status !== 202) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
  const signIn = await fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: body.email, password: body.password }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
  const organizations = (await (await fetch(`${base}/api/orgs`, { headers: { cookie } })).json()) as Array<{
    id: string;
  }>;
  return { orgId: organizations[0]!.id, cookie };
}

/** Signs up the bench's owner and creates its fleet; the session cookie works on every api instance. */
export async function signUpBenchFarm(apiUrl: string, id: string) {
  const { orgId, cookie } = await signUpAndSignIn(apiUrl, {
    email: `bench-${id}@example.test`,
    password: 'correct horse battery staple',
    displayName: 'Bench',
    organizationName: 'Bench farm',
  });
  const headers = { cookie, 'content-type': 'application/json' };
  const fleet = await fetch(`${apiUrl}/api/orgs/${orgId}/fleets`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Bench fleet' }),
  });
  const fleetId = ((await fleet.json()) as { id: string }).id;
  return { orgId, fleetId, headers };
}

export async function seed(url: string, orgId: string, fleetId: string, count: number) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const agents: Array<{ printerId: string; credential: string }> = [];
  try {
    for (let start = 0; start < count; start += 1_000) {
      const size = Math.min(1_000, count - start);
      const printerIds = Array.from({ length: size }, () => randomUUID());
      const names = printerIds.map((_, index) => `bench-${start + index}`);
      const issued = printerIds.map(() => issueAgentCredential());
      await client.query(
        `INSERT INTO printers (id, org_id, fleet_id, name) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[])`,
        [printerIds, printerIds.map(() => orgId), printerIds.map(() => fleetId), names],
      );
      await client.query(
        `INSERT INTO printer_credentials (id, org_id, printer_id, secret_hash)
         SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::uuid[], $4::char(64)[])`,
        [issued.map((token) => token.id), printerIds.map(() => orgId), printerIds, issued.map((token) => token.hash)],
      );
      printerIds.forEach((printerId, index) => agents.push({ printerId, credential: issued[index]!.token }));
    }
  } finally {
    await client.end();
  }
  return agents;
}

/** A lightweight agent: hello, a status every 5 s, commands acknowledged at once. */
export class FakeAgent {
  readonly socket: Socket;
  sent = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(url: string, credential: string) {
    this.socket = io(`${url}/agent`, {
      auth: { credential },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      autoConnect: false,
      timeout: 60_000,
    });
    this.socket.on('command', (command: Command, ack?: (result: unknown) => void) => {
      ack?.({ id: command.id, ok: true, data: { accepted: true }, finishedAt: Date.now() });
    });
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => {
        this.socket.emit('hello', {
          protocolVersion: PROTOCOL_VERSION,
          agentVersion: 'bench',
          backend: 'octoprint',
          backendVersion: '1.10.2',
          capabilities: ['pause', 'resume', 'cancel'],
          startedAt: Date.now(),
        });
        this.send();
        resolve();
      });
      this.socket.once('connect_error', reject);
      this.socket.connect();
    });
  }

  startReporting(): void {
    // Spread over the period, like agents that came online at different times.
    this.timer = setTimeout(() => {
      this.send();
      this.timer = setInterval(() => this.send(), STATUS_PERIOD_MS);
    }, Math.random() * STATUS_PERIOD_MS);
  }

  stopReporting(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  stop(): void {
    this.stopReporting();
    this.socket.disconnect();
  }

  private send(): void {
    if (!this.socket.connected) return;
    this.socket.emit('status', status(Date.now()));
    this.sent += 1;
  }
}

/**
 * The api's accepted statuses from its `/metrics`, which it serves on a listener of its own (`METRICS_PORT`), not
 * on the api port: `metricsUrl` is that listener (an api port's `/metrics` is a 404, read as 0).
 */
export async function acceptedStatuses(metricsUrl: string): Promise<number> {
  const response = await fetch(`${metricsUrl}/metrics`);
  if (!response.ok) throw new Error(`metrics: HTTP ${response.status} from ${metricsUrl}`);
  const text = await response.text();
  const match = /^farmhand_agent_messages_total\{event="status",outcome="accepted"\} (\d+)/m.exec(text);
  return Number(match?.[1] ?? 0);
}

export async function timedRuns(count: number, concurrency: number, run: (index: number) => Promise<void>) {
  const times: number[] = [];
  let next = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const started = process.hrtime.bigint();
        try {
          await run(index);
          times.push(Number(process.hrtime.bigint() - started) / 1e6);
        } catch (error) {
          failures.push(String(error));
        }
      }
    }),
  );
  return { times, failures };
}

/** Raw socket.io round trip: one server, one client, ack at once; no auth, validation, Redis or second process. */
export async function echoBaseline(count: number): Promise<number[]> {
  const http = createServer();
  const server = new Server(http);
  server.on('connection', (socket) => socket.on('echo', (payload: unknown, ack: (x: unknown) => void) => ack(payload)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const command = { id: randomUUID(), type: 'pause', args: {} };
  const { times } = await timedRuns(count, 1, async () => {
    await client.timeout(5_000).emitWithAck('echo', command);
  });
  client.disconnect();
  await new Promise<void>((resolve) => void server.close(() => resolve()));
  return times;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.build) execFileSync('node', ['scripts/build-server.mjs'], { stdio: 'inherit' });
  if (!existsSync(API_ENTRY))
    throw new Error(`${API_ENTRY} is missing: build first (npm run build:server, or pass --build)`);

  const id = `fh_bench_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(id);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const metricsPort = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    DATABASE_URL: url,
    REDIS_URL,
    REDIS_PREFIX: id,
    LOG_LEVEL: 'warn',
    SECRET_KEY: randomBytes(32).toString('hex'),
  };

  let api: ChildProcess | null = null;
  let bus: AgentCommandBus | null = null;
  const agents: FakeAgent[] = [];
  let mixed: MixedFarm | null = null;
  let lastLine: string | null = null;
  const started = Date.now();
  console.log(
    `load average at start ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} (${cpus().length} cores)`,
  );
  await admin((client) => client.query(`CREATE DATABASE "${id}"`));
  try {
    const dataSource = createFarmhandDataSource(url, { applicationName: 'farmhand-bench' });
    await dataSource.initialize();
    await runMigrationsWithLock(dataSource);
    await dataSource.destroy();

    api = await startApi(env, port);
    const child = api;
    // Ctrl-C must not leave the api running: the finally block below does not run on a signal.
    process.once('SIGINT', () => {
      child.kill('SIGKILL');
      process.exit(130);
    });
    const pid = api.pid!;
    const { orgId, fleetId, headers } = await signUpBenchFarm(apiUrl, id);
    const issued = await seed(url, orgId, fleetId, options.agents);
    console.log(`seeded ${issued.length} printers and credentials in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    let peakRss = memoryOf(pid).rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryOf(pid).rss)), 500);

    const connectStarted = Date.now();
    const mixCount = options.mix ? Math.min(options.mixPrinters, issued.length - 1) : 0;
    const light = issued.slice(mixCount);
    if (options.mix) {
      mixed = await startMixedFarm(
        apiUrl,
        options.mix,
        issued.slice(0, mixCount),
        options.perGateway,
        options.perSocket,
      );
      console.log(
        `mixed farm: ${mixCount} printers (${[...mixed.byKind].map(([kind, ids]) => `${ids.length} ${kind}`).join(', ')}) ` +
          `behind ${mixed.gateways} gateway(s), on simulators, ` +
          `${options.perSocket === 0 ? 'one server socket per printer' : 'multiplexed server sockets'}`,
      );
    }
    for (const agent of light) agents.push(new FakeAgent(apiUrl, agent.credential));
    const connects = await timedRuns(agents.length, CONNECT_CONCURRENCY, (index) => agents[index]!.connect());
    if (connects.failures.length) {
      throw new Error(`${connects.failures.length} agents failed to connect: ${connects.failures[0]}`);
    }
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    console.log(
      `connected ${agents.length} agents in ${connectSeconds.toFixed(1)} s ` +
        `(${(agents.length / connectSeconds).toFixed(0)} handshakes/s, ${CONNECT_CONCURRENCY} at a time, ` +
        `p50 ${percentile(connects.times, 50).toFixed(0)} ms)`,
    );
    for (const agent of agents) agent.startReporting();
    await sleep(STATUS_PERIOD_MS);

    bus = new AgentCommandBus({ REDIS_URL, REDIS_PREFIX: id }, pino({ level: 'warn' }));
    if (mixed) {
      // Every gateway printer answers before the window opens (its runtime connected and said hello).
      const pending = new Set(mixed.printerIds);
      const deadline = Date.now() + 120_000;
      while (pending.size && Date.now() < deadline) {
        await Promise.all(
          [...pending].map(async (printerId) => {
            const command: Command = { id: randomUUID(), type: 'pause', args: {}, expiresAt: Date.now() + 5_000 };
            const delivery = await bus!.deliver(printerId, command, command.expiresAt!);
            if (delivery.status === 'answered') pending.delete(printerId);
          }),
        );
        if (pending.size) await sleep(500);
      }
      if (pending.size) throw new Error(`${pending.size} gateway printers never answered`);
    }
    const targets = mixed ? mixed.printerIds : issued.map((agent) => agent.printerId);
    const windowStart = Date.now();
    const acceptedBefore = await acceptedStatuses(metricsUrl);
    const sentBefore = agents.reduce((sum, agent) => sum + agent.sent, 0);
    const cpuBefore = cpuSecondsOf(pid);

    const kindOf = new Map<string, string>();
    for (const [kind, ids] of mixed?.byKind ?? []) for (const printerId of ids) kindOf.set(printerId, kind);
    const perKind = new Map<string, number[]>();
    const viaBus = await timedRuns(options.commands, COMMAND_CONCURRENCY, async () => {
      const printerId = targets[Math.floor(Math.random() * targets.length)]!;
      const command: Command = { id: randomUUID(), type: 'pause', args: {}, expiresAt: Date.now() + 15_000 };
      const sentAt = process.hrtime.bigint();
      const delivery = await bus!.deliver(printerId, command, command.expiresAt!);
      if (delivery.status !== 'answered') throw new Error(`command ${delivery.status}`);
      const kind = kindOf.get(printerId);
      if (kind) perKind.set(kind, [...(perKind.get(kind) ?? []), Number(process.hrtime.bigint() - sentAt) / 1e6]);
    });
    // The same commands to the lightweight agents: the baseline the gateway printers are compared with.
    const direct = mixed
      ? await timedRuns(options.commands, COMMAND_CONCURRENCY, async () => {
          const printerId = light[Math.floor(Math.random() * light.length)]!.printerId;
          const command: Command = { id: randomUUID(), type: 'pause', args: {}, expiresAt: Date.now() + 15_000 };
          const delivery = await bus!.deliver(printerId, command, command.expiresAt!);
          if (delivery.status !== 'answered') throw new Error(`command ${delivery.status}`);
        })
      : null;
    // To the lightweight agents, which accept every command: an idle simulated printer refuses a pause (409), which
    // is the printer's answer, not the control path's failure.
    const viaHttp = await timedRuns(Math.min(options.commands, 200), COMMAND_CONCURRENCY, async () => {
      const printerId = light[Math.floor(Math.random() * light.length)]!.printerId;
      const response = await fetch(`${apiUrl}/api/orgs/${orgId}/printers/${printerId}/actions/pause`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    });

    const remaining = windowStart + options.seconds * 1000 - Date.now();
    if (remaining > 0) await sleep(remaining);
    // Close the window: no more statuses, then wait until the api has handled the ones in flight.
    for (const agent of agents) agent.stopReporting();
    const sentAfter = agents.reduce((sum, agent) => sum + agent.sent, 0);
    const windowSeconds = (Date.now() - windowStart) / 1000;
    const cpuSeconds = cpuSecondsOf(pid) - cpuBefore;
    let acceptedAfter = await acceptedStatuses(metricsUrl);
    const drainStarted = Date.now();
    while (acceptedAfter - acceptedBefore < sentAfter - sentBefore && Date.now() - drainStarted < 10_000) {
      await sleep(100);
      acceptedAfter = await acceptedStatuses(metricsUrl);
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    clearInterval(sampler);
    const memory = memoryOf(pid);
    peakRss = Math.max(peakRss, memory.peak);

    const echo = await echoBaseline(options.commands);
    // Handled over the window plus whatever it took to catch up afterwards (near zero when the api keeps up).
    const handled = (acceptedAfter - acceptedBefore) / (windowSeconds + (drainSeconds > 0.2 ? drainSeconds : 0));
    const offered = (sentAfter - sentBefore) / windowSeconds;
    const p50 = percentile(viaBus.times, 50);
    const p99 = percentile(viaBus.times, 99);
    const echoP50 = percentile(echo, 50);
    const fixed = (value: number) => value.toFixed(value < 10 ? 2 : 1);
    console.log(
      `window ${windowSeconds.toFixed(1)} s: statuses offered ${offered.toFixed(0)}/s, handled ${handled.toFixed(0)}/s ` +
        `(${acceptedAfter - acceptedBefore} of ${sentAfter - sentBefore}, caught up ${drainSeconds.toFixed(1)} s after); ` +
        `api cpu ${((100 * cpuSeconds) / windowSeconds).toFixed(0)}% of one core`,
    );
    console.log(
      `command bus: ${viaBus.times.length} ok, ${viaBus.failures.length} failed${viaBus.failures[0] ? ` (${viaBus.failures[0]})` : ''}; ` +
        `rtt p50 ${fixed(p50)} ms p99 ${fixed(p99)} ms`,
    );
    console.log(
      `HTTP control path (session, CASL, printer lookup, audit): ${viaHttp.times.length} ok, ${viaHttp.failures.length} failed` +
        `${viaHttp.failures[0] ? ` (${viaHttp.failures[0]})` : ''}; ` +
        `rtt p50 ${fixed(percentile(viaHttp.times, 50))} ms p99 ${fixed(percentile(viaHttp.times, 99))} ms`,
    );
    console.log(
      `baseline raw socket.io echo (same process, no auth/validation/Redis): p50 ${fixed(echoP50)} ms ` +
        `p99 ${fixed(percentile(echo, 99))} ms; command bus p50 = ${(p50 / echoP50).toFixed(1)}x baseline`,
    );
    if (mixed && direct) {
      const directP99 = percentile(direct.times, 99);
      console.log(
        `mix ${options.mix!.join(',')}: ${mixed.printerIds.length} printers behind ${mixed.gateways} gateway(s), ` +
          `rtt through gateways p50 ${fixed(p50)} ms p99 ${fixed(p99)} ms; lightweight agents p99 ${fixed(directP99)} ms; ` +
          `ratio ${(p99 / directP99).toFixed(1)}x; goal p99 < 250 ms: ${p99 < 250 ? 'met' : 'NOT met'}`,
      );
    }
    if (perKind.size) {
      console.log(
        `through gateways by kind: ${[...perKind]
          .map(([kind, times]) => `${kind} p50 ${fixed(percentile(times, 50))} p99 ${fixed(percentile(times, 99))} ms`)
          .join(', ')}`,
      );
    }
    console.log(`api rss now ${(memory.rss / 2 ** 20).toFixed(0)} MB, peak ${(peakRss / 2 ** 20).toFixed(0)} MB`);
    console.log(
      `total ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
    );
    lastLine =
      `fleet ${options.agents} agents: ${handled.toFixed(0)}/s, rtt p50 ${fixed(p50)} ms p99 ${fixed(p99)} ms, ` +
      `rss ${(peakRss / 2 ** 20).toFixed(0)} MB`;
  } finally {
    // Every step runs whatever failed before it: no api process, database or Redis key is left behind.
    const steps: Array<[string, () => Promise<unknown> | unknown]> = [
      ['agents', () => agents.forEach((agent) => agent.stop())],
      ['mixed farm', () => mixed?.stop()],
      ['command bus', () => bus?.onApplicationShutdown()],
      ['api', () => stopApi(api)],
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
    const life = api ? apiLife(api) : undefined;
    if (life) console.log(describeApiExit(life));
    // The usual last line, with how the api ended (a crash or an OOM kill shows here, not only in stderr).
    if (lastLine) {
      const ended = life?.exit;
      const how = !ended ? '' : ended.signal ? `, api ${ended.signal}` : `, api exit ${ended.code}`;
      console.log(`${lastLine}${how}${ended && !ended.expected ? ' (crashed)' : ''}`);
    }
  }
}

/** Api processes this benchmark is stopping itself (their exit is expected). */
const stopping = new WeakSet<ChildProcess>();

export async function stopApi(api: ChildProcess | null): Promise<void> {
  if (!api || api.exitCode !== null) return;
  stopping.add(api);
  const exited = new Promise((resolve) => api.once('exit', resolve));
  api.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (api.exitCode === null) api.kill('SIGKILL');
}

export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// bench/scale.ts reuses the simulated agents and helpers above without running this benchmark.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

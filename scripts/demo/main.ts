/**
 * `npm run demo`: Farmhand with a virtual mixed farm (OctoPrint printers with an agent each; Moonraker, Prusa Link
 * and Bambu printers behind one farm gateway), or OctoPrint only with --octoprint-only, enrolled into a demo
 * organization through the real paths (sign-up, enrollment CSV, agents), printing a queue, one OctoPrint print
 * failing in front of the detector. Run by scripts/demo/demo.sh after the build; options in demo-options.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { AgentHostReport, AgentHostStart, HostedAgent } from './agent-host';
import { DemoClient } from './demo-client';
import {
  designatedFailure,
  demoLanSecrets,
  demoPrinters,
  demoWebcamPhotos,
  DEMO_BAYS,
  DEMO_KINDS,
  gatewayCredentialsCsv,
  modelSeesItsSpaghetti,
  type DemoKind,
  type DemoPrinter,
} from './demo-farm';
import { DEMO_USAGE, parseDemoOptions, type DemoOptions } from './demo-options';
import { DemoProcesses } from './demo-processes';
import {
  configurePrinters,
  DEMO_ADMIN,
  enableAutoPause,
  enrollFromCsv,
  ensureFleets,
  listPrinters,
  queuePrints,
  queueSummary,
  signInDemoAdmin,
  type PrinterRow,
} from './demo-setup';

const OCTOPRINT_API_KEY = 'farmhand-demo-octoprint-key';
/** The LAN secret of the mixed farm's other simulators: an API key, and for Bambu an 8-digit access code. */
const MIXED_LAN_SECRET = '20261207';
const DIST = 'dist';
const startedAt = Number(process.env.DEMO_STARTED_AT) || Date.now();

function seconds(): string {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

/** One line of the console's progress list, with the time since `npm run demo` started. */
function step(text: string): void {
  console.log(`  ✓ ${text.padEnd(72)} ${seconds().padStart(7)}`);
}

function note(text: string): void {
  console.log(`    ${text}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await sleep(250);
  }
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, args, { env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${stderr || stdout || error.message}`.trim()));
      else resolvePromise(stdout.trim());
    });
  });
}

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen(port, host, () => server.close(() => resolvePromise(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}

/** Drops the demo database and forgets its Redis keys, so that every run starts from the same empty farm. */
async function resetDemoState(databaseUrl: URL, redisUrl: string, redisPrefix: string, dir: string): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const name = decodeURIComponent(databaseUrl.pathname.slice(1));
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // preflight reports an unreachable Redis
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // unreachable: the preflight names it
  } finally {
    redis.disconnect();
  }
  await rm(join(dir, 'data'), { recursive: true, force: true });
  await rm(join(dir, 'agents'), { recursive: true, force: true });
  for (const name of await readdir(dir)) if (name.endsWith('.log')) await rm(join(dir, name), { force: true });
}

class Demo {
  private readonly dir: string;
  private readonly processes: DemoProcesses;
  private readonly env: NodeJS.ProcessEnv;
  private readonly databaseUrl: URL;
  private readonly api: DemoClient;
  private readonly printers: DemoPrinter[];
  private readonly timers: NodeJS.Timeout[] = [];
  /** The OctoPrint simulator's address (the failing printer's); in a mixed farm `simUrls` has the other kinds'. */
  private simUrl = '';
  private readonly simUrls = new Map<DemoKind, string>();
  /** Mixed farm: the Bambu simulator's first port; printer i listens on base + 3i (MQTT), +1 (FTPS), +2 (camera). */
  private bambuBasePort = 0;
  private orgId = '';
  private printerIds = new Map<string, string>();
  private credentialsCsv: string | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: DemoOptions) {
    this.dir = resolve(options.dir);
    this.processes = new DemoProcesses(this.dir, (name, code, signal) => {
      console.error(`\n  ✗ ${name} exited (${signal ?? `code ${code}`}); see ${join(this.dir, `${name}.log`)}`);
      void this.stop(1);
    });
    this.databaseUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/farmhand');
    this.databaseUrl.pathname = `/${options.database}`;
    this.env = {
      ...process.env,
      NODE_ENV: 'development',
      // Loopback only: the demo admin's password is printed on the console.
      HOST: '127.0.0.1',
      PORT: String(options.port),
      PUBLIC_URL: `http://localhost:${options.port}`,
      DATABASE_URL: this.databaseUrl.toString(),
      DATABASE_POOL_SIZE: '5',
      REDIS_PREFIX: options.database,
      DATA_DIR: join(this.dir, 'data'),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      // A demo farm starts every printer at once and re-checks the queue often; production staggers starts.
      SCHEDULER_MAX_STARTS_PER_FLEET_PER_MINUTE: '60',
      SCHEDULER_TICK_SECONDS: '5',
      // No /metrics listener for the worker and inference: their fixed ports may be taken by a real install.
      METRICS_PORT: '0',
    };
    this.api = new DemoClient(`http://127.0.0.1:${options.port}`);
    this.printers = demoPrinters(options.printers, { mix: options.mix });
  }

  async start(): Promise<void> {
    const { options } = this;
    console.log(
      `Farmhand demo: ${options.printers} ${options.mix ? 'printers of a mixed farm (OctoPrint, Moonraker, Prusa Link, Bambu)' : 'OctoPrint printers'} in ${DEMO_BAYS.length} fleets, database ${options.database}`,
    );
    if (!(await portIsFree(options.port, '127.0.0.1'))) {
      throw new Error(`port ${options.port} is in use (another Farmhand?); pass --port <free port>`);
    }
    await mkdir(this.dir, { recursive: true });
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    if (!options.keep) {
      await resetDemoState(this.databaseUrl, redisUrl, options.database, this.dir).catch((error: unknown) => {
        // Unreachable servers are reported by the preflight below with how to start them.
        if (!/ECONNREFUSED|timeout/i.test(String(error))) throw error;
      });
      step(`fresh demo database ${options.database} and Redis prefix ${options.database}:`);
    }
    await run([join(DIST, 'scripts', 'preflight.js')], this.env);
    const migrated = await run([join(DIST, 'scripts', 'db.js'), 'migrate'], this.env);
    const applied = /^applied: (.*)$/.exec(migrated)?.[1]?.split(', ').length;
    step(`PostgreSQL and Redis reachable; ${applied ? `${applied} migrations applied` : migrated}`);

    this.processes.start('api', [join(DIST, 'apps', 'api', 'src', 'main.js')], this.env);
    this.processes.start('worker', [join(DIST, 'apps', 'worker', 'src', 'main.js')], this.env);
    const inference = join(DIST, 'apps', 'inference', 'src', 'main.js');
    const detection = existsSync(inference);
    if (detection) this.processes.start('inference', [inference], this.env);
    const simPort = await freePort();
    this.simUrl = `http://127.0.0.1:${simPort}`;
    const photos = demoWebcamPhotos(process.env, existsSync);
    const photoPrinter = designatedFailure(this.printers);
    this.processes.start(
      'printer-sim',
      [
        join(DIST, 'apps', 'printer-sim', 'src', 'main.js'),
        ...['--printers', String(options.printers), '--port', String(simPort)],
        ...['--time-scale', String(options.timeScale), '--api-key', OCTOPRINT_API_KEY],
        ...(photos
          ? [
              '--webcam-photos',
              `${photos.clean},${photos.failure}`,
              '--webcam-photo-printers',
              String(photoPrinter.simIndex),
            ]
          : []),
      ],
      { ...this.env, LOG_LEVEL: 'warn' },
    );
    this.simUrls.set('octoprint', this.simUrl);
    if (options.mix) await this.startMixedSimulators();
    await waitFor('the api', 90_000, async () => (await fetch(`${this.api.baseUrl}/api/health`)).ok);
    step(`api on port ${options.port}, worker${detection ? ', inference' : ''} started`);
    if (!detection) note(`detection is not running: this build has no inference role (${inference})`);
    await waitFor('the virtual farm', 30_000, async () => (await fetch(`${this.simUrl}/`)).ok);
    if (options.mix) {
      for (const kind of ['moonraker', 'prusalink'] as const) {
        await waitFor(
          `the virtual ${kind} farm`,
          30_000,
          async () => (await fetch(`${this.simUrls.get(kind)}/`)).status < 500,
        );
      }
      const counts = DEMO_KINDS.map((kind) => `${this.printers.filter((p) => p.kind === kind).length} ${kind}`);
      step(`virtual mixed farm: ${counts.join(', ')}; time x${options.timeScale}`);
    } else {
      step(`virtual OctoPrint farm: ${options.printers} printers at ${this.simUrl}/p/<i>, time x${options.timeScale}`);
    }
    if (photos)
      note(`${photoPrinter.name}'s webcam shows real photos (a clean print, then spaghetti) from ${photos.clean}`);
    else note('no shared photo set (PRINT_PHOTOS_DIR): every webcam shows drawings');

    const { orgId, created } = await signInDemoAdmin(this.api);
    this.orgId = orgId;
    await ensureFleets(this.api, orgId);
    step(`${created ? 'signed up' : 'signed in as'} ${DEMO_ADMIN.email}, organization and ${DEMO_BAYS.length} fleets`);

    const agents = await this.enroll(created);
    const failing = designatedFailure(this.printers);
    this.printerIds = await configurePrinters(this.api, orgId, this.printers, failing);
    step(
      `auto-eject on ${DEMO_BAYS.filter((bay) => bay.autoEject)
        .map((bay) => bay.fleet)
        .join(', ')}; ${failing.name} auto-pauses on failure`,
    );

    await this.startAgents(agents);
    await waitFor('every printer online', 60_000, async () => {
      const rows = await listPrinters(this.api, orgId);
      return rows.filter((row) => isOnline(row)).length >= this.printers.length;
    });
    step(`${this.printers.length} agents connected, every printer online`);

    const summary = await queueSummary(this.api, orgId);
    if (summary.printing + summary.queued + summary.awaitingBedClear === 0) {
      const jobs = await queuePrints(this.api, orgId, this.printers);
      step(`queued ${jobs.map((job) => `${job.name} x${job.copies}`).join(', ')}`);
    } else step(`queue kept from the last run (${summary.queued} copies queued)`);
    await waitFor('the first print', 60_000, async () => (await queueSummary(this.api, orgId)).printing > 0);
    step('printing');
    this.ready(detection);
    if (options.failAfterSeconds > 0) {
      this.timers.push(setTimeout(() => void this.failOnePrint(failing, detection), options.failAfterSeconds * 1000));
    }
    this.timers.push(setInterval(() => void this.report(), 30_000));
  }

  /** Enrollment CSV → tokens, unless --keep finds every agent's config of the last run. */
  private async enroll(organizationCreated: boolean): Promise<HostedAgent[]> {
    const configPath = (printer: DemoPrinter) => join(this.dir, 'agents', printer.name, 'config.json');
    // Only an OctoPrint farm's agents are reused: the gateway's printers have no agent config of their own (their
    // simulators listen on new ports each run), so a mixed farm is enrolled again, under the same names.
    const reuse =
      this.options.keep && !organizationCreated && this.printers.every((printer) => existsSync(configPath(printer)));
    const octoprintUrl = (index: number) => `${this.simUrl}/p/${index}`;
    const address = (printer: DemoPrinter) =>
      printer.kind === 'bambu' ? '127.0.0.1' : `${this.simUrls.get(printer.kind)}/p/${printer.simIndex}`;
    let tokens = new Map<string, string>();
    if (reuse) step('agents enrolled by the last run (--keep)');
    else {
      const enrolled = await enrollFromCsv(this.api, this.orgId, this.printers, address);
      tokens = enrolled.tokens;
      this.credentialsCsv = enrolled.credentials;
      step(
        `enrollment CSV: dry run ${enrolled.summary.valid}/${enrolled.summary.rows} rows valid, committed, credentials CSV taken`,
      );
    }
    // The OctoPrint printers get an agent each; the others are the farm gateway's (startGateway).
    return this.printers
      .filter((printer) => printer.kind === 'octoprint')
      .map((printer) => ({
        name: printer.name,
        configPath: configPath(printer),
        octoprintUrl: octoprintUrl(printer.simIndex),
        token: tokens.get(printer.name) ?? null,
      }));
  }

  private async startAgents(agents: HostedAgent[]): Promise<void> {
    const serverUrl = `http://localhost:${this.options.port}`;
    if (this.options.mix) await this.startGateway(serverUrl);
    if (this.options.agentProcesses) return this.startAgentProcesses(agents, serverUrl);
    const host = this.processes.start('agents', [join(DIST, 'scripts', 'demo', 'agent-host.js')], this.env, {
      ipc: true,
    });
    const failures: string[] = [];
    const running = new Promise<number>((resolvePromise) => {
      host.on('message', (message: AgentHostReport) => {
        if (message.type === 'failed') failures.push(`${message.name} (${message.step}): ${message.message}`);
        if (message.type === 'running') resolvePromise(message.count);
      });
    });
    const start: AgentHostStart = {
      type: 'start',
      serverUrl,
      octoprintApiKey: OCTOPRINT_API_KEY,
      agents,
      logLevel: 'info',
    };
    host.send(start);
    await running;
    if (failures.length) throw new Error(`agents failed: ${failures.slice(0, 3).join('; ')}`);
    step(`${agents.length} agents (farmhand-agent enroll + run) in one process, log agents.log`);
  }

  /** One `farmhand-agent` process per printer, from the single-file bundle, as on real printer hosts. */
  private async startAgentProcesses(agents: HostedAgent[], serverUrl: string): Promise<void> {
    const bundle = join(DIST, 'agent', 'farmhand-agent.cjs');
    const env = { ...this.env, OCTOPRINT_API_KEY };
    for (let offset = 0; offset < agents.length; offset += 4) {
      await Promise.all(
        agents.slice(offset, offset + 4).map(async (agent) => {
          if (!agent.token) return;
          const args = ['enroll', '--server', serverUrl, '--config', agent.configPath, '--force'];
          // The token goes through the environment: other users of the machine can read command lines.
          await run([bundle, ...args, '--octoprint-url', agent.octoprintUrl], {
            ...env,
            FARMHAND_ENROLL_TOKEN: agent.token,
          });
        }),
      );
    }
    for (const agent of agents) {
      this.processes.start(
        `agent ${agent.name}`,
        [bundle, 'run', '--config', agent.configPath, '--octoprint-url', agent.octoprintUrl],
        env,
        {
          logName: 'agents',
        },
      );
    }
    step(`${agents.length} agent processes (dist/agent/farmhand-agent.cjs), log agents.log`);
  }

  /** Moonraker, Prusa Link and Bambu simulators, one process per kind, all with the demo's LAN secret. */
  private async startMixedSimulators(): Promise<void> {
    const count = (kind: DemoKind) => this.printers.filter((printer) => printer.kind === kind).length;
    for (const kind of ['moonraker', 'prusalink'] as const) {
      const port = await freePort();
      this.simUrls.set(kind, `http://127.0.0.1:${port}`);
      this.startSimulator(kind, ['--printers', String(count(kind)), '--port', String(port)]);
    }
    // Bambu printers each need three ports in a row; the gateway is told them (gateway.json options).
    this.bambuBasePort = await waitFor('free ports for the Bambu printers', 10_000, async () => {
      const base = await freePort();
      for (let port = base; port < base + 3 * count('bambu'); port++) {
        if (port > 65_535 || !(await portIsFree(port, '127.0.0.1'))) return null;
      }
      return base;
    });
    this.startSimulator('bambu', ['--printers', String(count('bambu')), '--port', String(this.bambuBasePort)]);
  }

  private startSimulator(kind: DemoKind, args: string[]): void {
    this.processes.start(
      `printer-sim-${kind}`,
      [
        join(DIST, 'apps', 'printer-sim', 'src', 'main.js'),
        ...['--kind', kind, ...args],
        ...['--time-scale', String(this.options.timeScale), '--api-key', MIXED_LAN_SECRET],
      ],
      { ...this.env, LOG_LEVEL: 'warn' },
    );
  }

  /**
   * One `farmhand-agent gateway` for every printer that is not OctoPrint, as on a farm's LAN host: `gateway enroll`
   * with the credentials CSV's rows of those printers, the LAN-secrets file written beside its config, then
   * `gateway run`. The simulated Bambu printers listen on ports of their own, which the config is told.
   */
  private async startGateway(serverUrl: string): Promise<void> {
    const dir = join(this.dir, 'agents', 'gateway');
    const configPath = join(dir, 'gateway.json');
    const cli = join(DIST, 'apps', 'agent', 'src', 'main.js');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (this.credentialsCsv) {
      // Enrolled again (--keep): the CSV commit revoked the last run's credentials, and `gateway enroll` keeps the
      // printers its config already names, so the gateway starts over with this run's tokens. Its certificate pins
      // go too: the simulated Bambu printers make a new self-signed certificate each run (a real printer keeps its).
      await rm(configPath, { force: true });
      await rm(join(dir, 'pins.json'), { force: true });
      const credentials = join(dir, 'credentials.csv');
      await writeFile(credentials, gatewayCredentialsCsv(this.credentialsCsv), { mode: 0o600 });
      await run(
        [cli, 'gateway', 'enroll', '--server', serverUrl, '--credentials', credentials, '--config', configPath],
        this.env,
      );
      await rm(credentials, { force: true });
    }
    const config = JSON.parse(await readFile(configPath, 'utf8')) as {
      printers: { name: string; kind: string; options?: Record<string, string | number | boolean> }[];
    };
    for (const entry of config.printers) {
      const printer = this.printers.find((candidate) => candidate.name === entry.name);
      if (!printer || printer.kind !== 'bambu') continue;
      const base = this.bambuBasePort + 3 * printer.simIndex;
      entry.options = {
        ...entry.options,
        model: printer.simIndex % 2 === 0 ? 'P1S' : 'A1',
        mqttPort: base,
        ftpsPort: base + 1,
        cameraPort: base + 2,
      };
    }
    await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
    await writeFile(join(dir, 'lan-secrets.json'), JSON.stringify(demoLanSecrets(this.printers, MIXED_LAN_SECRET)), {
      mode: 0o600,
    });
    this.processes.start('gateway', [cli, 'gateway', 'run', '--config', configPath], this.env);
    step(`${config.printers.length} printers behind one farm gateway (farmhand-agent gateway), log gateway.log`);
  }

  private ready(detection: boolean): void {
    const url = `http://localhost:${this.options.port}`;
    const memory = this.processes.memory();
    const total = memory.reduce((sum, entry) => sum + entry.rssMiB, 0);
    const agents = memory.filter((entry) => entry.name.startsWith('agent'));
    const parts = memory
      .filter((entry) => !entry.name.startsWith('agent'))
      .map((e) => `${e.name} ${e.rssMiB.toFixed(0)}`);
    const agentMiB = agents.reduce((sum, entry) => sum + entry.rssMiB, 0);
    parts.push(
      `${this.printers.filter((printer) => printer.kind === 'octoprint').length} agents in ${agents.length} process${agents.length === 1 ? '' : 'es'} ${agentMiB.toFixed(0)}`,
    );
    console.log('');
    console.log(`  Farmhand demo is ready: ${url}`);
    console.log(`  Sign in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
    console.log('');
    note(`ready in ${seconds()}; memory (RSS) ${total.toFixed(0)} MiB: ${parts.join(', ')} MiB`);
    note(`beds: the Bambu-style bay ejects its parts; confirm a cleared bed for the others on the queue page`);
    if (this.options.failAfterSeconds > 0) {
      note(
        `in ${this.options.failAfterSeconds} s one printing printer's webcam shows spaghetti${detection ? '' : ' (detection is not running: nothing will pause it)'}`,
      );
    }
    note(`logs: ${this.dir}/*.log; Ctrl-C stops everything`);
    console.log('');
    // The e2e test and scripts wait for this line; it lists every child so they can check none outlives the demo.
    console.log(
      `demo ready ${url} pids ${this.processes
        .list()
        .map((entry) => entry.pid)
        .join(',')}`,
    );
  }

  /** Spaghetti on the webcam of the chosen printer, or of another one that is printing now. */
  private async failOnePrint(designated: DemoPrinter, detection: boolean): Promise<void> {
    try {
      // The queue counts a copy as printing once dispatched; the printer's own state follows a moment later, and
      // later still on a loaded machine: the designated printer (real photos on its webcam, a filament the model
      // sees) gets 45 s before another one is taken.
      const since = Date.now();
      const victim = await waitFor('a printer that reads printing', 90_000, async () => {
        const rows = await listPrinters(this.api, this.orgId);
        const printing = new Set(rows.filter((row) => row.state === 'printing').map((row) => row.name));
        if (printing.has(designated.name)) return designated;
        if (Date.now() - since < 45_000) return undefined;
        // Spaghetti is drawn by the OctoPrint simulator: in a mixed farm another victim is an OctoPrint printer too,
        // in a filament whose drawn spaghetti the model sees.
        return this.printers.find(
          (printer) => printer.kind === 'octoprint' && printing.has(printer.name) && modelSeesItsSpaghetti(printer),
        );
      }).catch(() => undefined);
      if (!victim) return note('no printer is printing: no failure shown');
      if (victim !== designated) await enableAutoPause(this.api, this.orgId, this.printerIds.get(victim.name)!);
      const response = await fetch(`${this.simUrl}/sim/p/${victim.simIndex}/spaghetti`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ on: true }),
      });
      if (!response.ok) return note(`the simulator refused spaghetti on ${victim.name}: HTTP ${response.status}`);
      note(
        `${victim.name}: spaghetti on its webcam now; ${detection ? 'detection should raise an alert and pause it (alerts page)' : 'detection is not running, so nothing pauses it'}`,
      );
      if (detection) this.watchAlerts(this.printerIds.get(victim.name)!);
    } catch (error) {
      note(`could not fail a print: ${(error as Error).message}`);
    }
  }

  /**
   * Says on the console when the detector raises an alert for the failing printer and when it escalates it to a
   * pause, with the time since the spaghetti (for ten minutes).
   */
  private watchAlerts(printerId: string): void {
    const seen = new Map<string, string>();
    const since = Date.now();
    const until = Date.now() + 10 * 60_000;
    const timer = setInterval(() => {
      if (Date.now() > until) return clearInterval(timer);
      this.api
        .request<{ items: { id: string; printerName: string; level: string; score: number; paused: boolean }[] }>(
          'GET',
          `/api/orgs/${this.orgId}/alerts?printerId=${printerId}&limit=20`,
        )
        .then((response) => {
          if (response.status === 404) return clearInterval(timer);
          for (const alert of response.status === 200 ? response.body.items : []) {
            const shown = `${alert.level}:${alert.paused}`;
            if (seen.get(alert.id) === shown) continue;
            seen.set(alert.id, shown);
            const after = ((Date.now() - since) / 1000).toFixed(0);
            note(
              `alert: ${alert.printerName} ${alert.level} (score ${alert.score.toFixed(2)})${alert.paused ? ', print paused by the detector' : ''}, ${after} s after the spaghetti (at ${seconds()})`,
            );
          }
        })
        .catch(() => undefined);
    }, 2_000);
    this.timers.push(timer);
  }

  private async report(): Promise<void> {
    try {
      const queue = await queueSummary(this.api, this.orgId);
      note(
        `[${new Date().toISOString().slice(11, 19)}] printing ${queue.printing}, queued ${queue.queued}, bed to clear ${queue.awaitingBedClear}, done ${queue.done}, failed ${queue.failed}`,
      );
    } catch {
      // the api is restarting or stopping; the next report will say
    }
  }

  stop(code: number): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer);
      console.log('\n  stopping the demo (agents, gateway, simulators, inference, worker, api)…');
      await this.processes.stopAll();
      console.log('  stopped');
      process.exit(code);
    })();
    return this.stopping;
  }
}

function isOnline(row: PrinterRow): boolean {
  return row.state !== 'offline' && row.state !== 'unknown';
}

async function main(): Promise<void> {
  const parsed = parseDemoOptions(process.argv.slice(2));
  if (!parsed.ok) {
    (parsed.help ? console.log : console.error)(parsed.help ? parsed.message : `${parsed.message}\n\n${DEMO_USAGE}`);
    process.exit(parsed.help ? 0 : 2);
  }
  const demo = new Demo(parsed.options);
  let interrupts = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C does not wait for the graceful stop; the exit handler kills what is left.
      if (++interrupts > 1) process.exit(130);
      void demo.stop(0);
    });
  }
  try {
    await demo.start();
  } catch (error) {
    console.error(`\n  ✗ ${(error as Error).message}`);
    await demo.stop(1);
  }
}

void main();

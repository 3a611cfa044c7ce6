// What one browser costs while a farm prints: bytes per second on its /dashboard socket, messages per second, long
// tasks in the page, and the time until the fleet grid shows every printer. The dashboard windows its subscription
// (every field only for the printers on screen); the baseline is a socket of the full protocol (every printer's
// every change) on the same server in the same seconds.
// Needs Postgres, Redis and Debian's chromium. Boots the real api (compiled: Nest needs decorator metadata), so:
//   npm run bench:dashboard -- --printers 5000 [--seconds 30]
//   (= npm run build:server && node dist/bench/dashboard.js --printers N --seconds S; positional N S work too)
// Printer traffic is produced as libs/agents emits it (printer.online / printer.status) at the agent's documented
// cadence: a status every 5 s per printer with creeping temperatures, progress and time left.
import { signUpAndSignIn } from './fleet';
import 'reflect-metadata';
import { createLogger, loadConfig, runMigrationsWithLock } from '@farmhand/core';
import { Printer } from '@farmhand/printers';
import { createFarmhandDataSource } from '@farmhand/schema';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { chromium, type Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { DASHBOARD_NAMESPACE } from '@farmhand/dashboard';
import { DataSource } from 'typeorm';
import { createApiApp } from '../apps/api/src/bootstrap';

function argument(name: string, position: number, fallback: number): number {
  const args = process.argv.slice(2);
  const flag = args.indexOf(`--${name}`);
  const value = flag >= 0 ? args[flag + 1] : args.filter((arg) => !arg.startsWith('--'))[position];
  const parsed = Number(value ?? fallback);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive number`);
  return parsed;
}
const PRINTERS = argument('printers', 0, 500);
const SECONDS = argument('seconds', 1, 30);
const STATUS_PERIOD_MS = 5_000;
const WARMUP_MS = 5_000;
const RENDER_RUNS = 3;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function status(index: number, tick: number) {
  const elapsed = tick * 5;
  const total = 3_600 + (index % 7) * 900;
  const done = (elapsed + index * 97) % total;
  const jitter = Math.sin(tick * 1.7 + index) * 0.4;
  return {
    state: 'printing' as const,
    stateText: 'Printing',
    backend: 'ok' as const,
    temperatures: { tool0: { actual: 215 + jitter, target: 215 }, bed: { actual: 60 + jitter / 2, target: 60 } },
    job: { fileName: `part-${index % 40}.gcode` },
    progress: (done / total) * 100,
    printTime: done,
    printTimeLeft: total - done,
    z: 0.2 + done / 100,
    error: null,
    sentAt: Date.now(),
  };
}

interface RenderTiming {
  /** Milliseconds from navigation start. */
  total: number;
  scriptReady: number;
  me: number;
  resync: number;
}

/** Loads the grid and waits until it holds every printer; where the time went, from the page's own clock. */
async function firstRender(page: Page, url: string): Promise<RenderTiming> {
  let resyncAt = 0;
  const onSocket = (socket: {
    on: (event: 'framereceived', listener: (frame: { payload: string | Buffer }) => void) => void;
  }) =>
    socket.on('framereceived', ({ payload }) => {
      if (!resyncAt && typeof payload === 'string' && payload.includes('printers.resync')) resyncAt = Date.now();
    });
  page.on('websocket', onSocket);
  await page.goto(url);
  // The toolbar counts the printers the grid holds; a card is on screen. Browser-side code reaches the DOM through
  // globalThis: this file is type-checked without the DOM library, and the page's CSP forbids evaluating strings.
  await page.waitForFunction(
    (count) => {
      const document = (globalThis as any).document;
      return (
        document.querySelector('.toolbar-title .muted')?.textContent === `${count} printers` &&
        document.querySelector('article.printer-card') !== null
      );
    },
    PRINTERS,
    { timeout: 60_000, polling: 'raf' },
  );
  page.off('websocket', onSocket);
  const timing = await page.evaluate(() => {
    const performance = (globalThis as any).performance;
    const ended = (part: string) =>
      performance.getEntriesByType('resource').find((entry: any) => entry.name.includes(part))?.responseEnd ?? 0;
    return {
      total: performance.now(),
      origin: performance.timeOrigin,
      scriptReady: ended('/assets/index-'),
      me: ended('/api/auth/me'),
    };
  });
  return { total: timing.total, scriptReady: timing.scriptReady, me: timing.me, resync: resyncAt - timing.origin };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const id = randomBytes(4).toString('hex');
  const database = `farmhand_bench_${id}`;
  const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
  await admin((client) => client.query(`CREATE DATABASE "${database}"`));
  const migrator = createFarmhandDataSource(databaseUrl, { applicationName: 'farmhand-bench' });
  await migrator.initialize();
  await runMigrationsWithLock(migrator);
  await migrator.destroy();

  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: `farmhand_bench_${id}`,
    LOG_LEVEL: 'warn',
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
  });
  const app = await createApiApp(config, createLogger('bench', config.LOG_LEVEL));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  let ticker: NodeJS.Timeout | undefined;
  try {
    const { orgId, cookie } = await signUpAndSignIn(base, {
      email: `bench-${id}@example.test`,
      password: 'correct horse battery staple',
      displayName: 'Bench',
      organizationName: 'Bench farm',
    });
    const fleets: string[] = [];
    for (const name of ['Hall A', 'Hall B', 'Hall C']) {
      const response = await fetch(`${base}/api/orgs/${orgId}/fleets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ name }),
      });
      fleets.push(((await response.json()) as { id: string }).id);
    }
    const printers = app.get(DataSource).getRepository(Printer);
    const ids: string[] = [];
    for (let start = 0; start < PRINTERS; start += 250) {
      const rows = Array.from({ length: Math.min(250, PRINTERS - start) }, (_, offset) => ({
        orgId,
        fleetId: fleets[(start + offset) % fleets.length]!,
        name: `P-${String(start + offset + 1).padStart(3, '0')}`,
        model: 'Prusa MK4',
        tags: ['pla'],
      }));
      const inserted = await printers.insert(rows);
      ids.push(...inserted.identifiers.map((identifier) => identifier.id as string));
    }

    // Every printer online and printing; then one status every 5 s each, spread evenly over the period.
    const events = app.get(EventEmitter2);
    ids.forEach((printerId, index) => {
      events.emit('printer.online', { orgId, printerId });
      events.emit('printer.status', { orgId, printerId, status: status(index, 0) });
    });
    const slices = 50;
    let slice = 0;
    let tick = 1;
    ticker = setInterval(() => {
      for (let index = slice; index < ids.length; index += slices)
        events.emit('printer.status', { orgId, printerId: ids[index]!, status: status(index, tick) });
      slice = (slice + 1) % slices;
      if (slice === 0) tick++;
    }, STATUS_PERIOD_MS / slices);

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    const gridUrl = `${base}/orgs/${orgId}/printers`;

    const renders: RenderTiming[] = [];
    for (let run = 0; run < RENDER_RUNS; run++) renders.push(await firstRender(page, gridUrl));

    // Count what the socket delivers to this page, after a warm-up.
    let bytes = 0;
    let frames = 0;
    let resyncBytes = 0;
    let counting = false;
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
        if (typeof payload === 'string' && payload.includes('printers.resync'))
          resyncBytes = Math.max(resyncBytes, size);
        if (!counting) return;
        bytes += size;
        if (typeof payload === 'string' && payload.includes('printers.changed')) frames++;
      }),
    );
    // A fresh page load, so the listener sees the new socket from its first frame.
    await firstRender(page, gridUrl);
    // The baseline: the full protocol (no window), as every browser had it before, on the same server and seconds.
    // Its bytes are socket.io's own encoding of each message (`42/dashboard,[event, payload]`).
    let baselineBytes = 0;
    const baseline = io(`${base}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      auth: { orgId },
      extraHeaders: { cookie },
    });
    baseline.onAny((event: string, ...args: unknown[]) => {
      if (counting) baselineBytes += Buffer.byteLength(`42${DASHBOARD_NAMESPACE},${JSON.stringify([event, ...args])}`);
    });
    await page.evaluate(() => {
      const window = globalThis as any;
      window.longTasks = [];
      new window.PerformanceObserver((list: any) => {
        for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    counting = true;
    await page.evaluate(() => ((globalThis as any).longTasks = []));
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
    counting = false;
    baseline.disconnect();
    const longTasks: number[] = await page.evaluate(() => (globalThis as any).longTasks);

    const kilobytesPerSecond = bytes / 1024 / SECONDS;
    const firstRenderMs = median(renders.map((timing) => timing.total));
    const typical = renders.find((timing) => timing.total === firstRenderMs)!;
    console.log(`printers: ${PRINTERS} printing, ${(PRINTERS * 1000) / STATUS_PERIOD_MS} status frames/s into the api`);
    console.log(`resync (full list on connect): ${(resyncBytes / 1024).toFixed(1)} kB`);
    console.log(
      `live: ${(bytes / 1024).toFixed(1)} kB in ${SECONDS} s, ${(frames / SECONDS).toFixed(2)} messages/s, ` +
        `${kilobytesPerSecond.toFixed(1)} kB/s`,
    );
    console.log(
      `page: ${longTasks.length} long tasks (>50 ms) in ${SECONDS} s` +
        (longTasks.length ? `, longest ${Math.round(Math.max(...longTasks))} ms` : ''),
    );
    console.log(`first render runs (ms): ${renders.map((timing) => Math.round(timing.total)).join(', ')}`);
    console.log(
      `first render (median run), ms from navigation: script loaded ${Math.round(typical.scriptReady)}, ` +
        `session ${Math.round(typical.me)}, resync received ${Math.round(typical.resync)}, grid shown ${Math.round(typical.total)}`,
    );
    const baselineKilobytesPerSecond = baselineBytes / 1024 / SECONDS;
    console.log(
      `baseline full feed (every printer's every change, no window): ${baselineKilobytesPerSecond.toFixed(1)} kB/s; ` +
        `windowed browser = ${(kilobytesPerSecond / baselineKilobytesPerSecond).toFixed(3)}x baseline`,
    );
    console.log(
      `dashboard ${PRINTERS} printers: ${kilobytesPerSecond.toFixed(1)} kB/s per browser, first render ${Math.round(firstRenderMs)} ms`,
    );
  } finally {
    if (ticker) clearInterval(ticker);
    await browser.close();
    await app.close();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

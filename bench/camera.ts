// Live camera: camera-to-watcher latency (p50/p95) and bytes per second per watcher for one live view, through the
// real path: the agent runtime streams over its /agent socket, the api relays to /dashboard watchers.
// Needs Postgres and Redis. Boots the real api (compiled: Nest needs decorator metadata), so:
//   npm run bench:camera            (= npm run build:server && node dist/bench/camera.js [watchers] [seconds] [fps])
//   npm run bench:camera -- --wall 100 [seconds]   one watcher, a wall of 100 printers (100 agents) at 1 fps
// The agent's backend is a stand-in whose snapshot returns a 640x480 JPEG (made once with sharp) at once; a real
// OctoPrint webcam adds its own capture time. Watchers are socket.io clients in this process (same clock as the
// agent, so capture-to-receipt latency needs no clock sync); a browser adds decoding, not transport.
import { signUpAndSignIn } from './fleet';
import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createLogger, loadConfig, runMigrationsWithLock } from '@farmhand/core';
import { CAMERA_LIMITS, DASHBOARD_EVENTS, DASHBOARD_NAMESPACE, type CameraFrameMessage } from '@farmhand/dashboard';
import { PrinterCredentialsService } from '@farmhand/enrollment';
import { Printer } from '@farmhand/printers';
import { createFarmhandDataSource } from '@farmhand/schema';
import { Client } from 'pg';
import pino from 'pino';
import sharp from 'sharp';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { createApiApp } from '../apps/api/src/bootstrap';
import type { PrinterBackend } from '../apps/agent/src/backend/printer-backend';
import { AgentRuntime } from '../apps/agent/src/runtime/agent-runtime';

const WALL_AT = process.argv.indexOf('--wall');
const TILES = WALL_AT > 0 ? Number(process.argv[WALL_AT + 1] ?? 100) : 0;
const ARGS = WALL_AT > 0 ? process.argv.slice(WALL_AT + 2) : process.argv.slice(2);
const WATCHERS = TILES ? 1 : Number(ARGS[0] ?? 1);
const SECONDS = Number((TILES ? ARGS[0] : ARGS[1]) ?? 20);
const FPS = TILES ? CAMERA_LIMITS.wallFps : Number(ARGS[2] ?? CAMERA_LIMITS.defaultFps);
const WARMUP_MS = 3_000;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

/** A webcam-like 640x480 JPEG: smooth gradients plus noise, so it compresses like a real picture (~30-60 kB). */
async function sampleJpeg(): Promise<Buffer> {
  const width = 640;
  const height = 480;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      const noise = Math.floor(Math.random() * 24);
      pixels[offset] = (x / 3 + noise) & 0xff;
      pixels[offset + 1] = (y / 2 + noise) & 0xff;
      pixels[offset + 2] = ((x + y) / 5 + noise) & 0xff;
    }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 75 })
    .toBuffer();
}

function fakeBackend(jpeg: Buffer): PrinterBackend {
  const backend = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const status = {
    // Idle, so the agent's detector uploads (frames over HTTP) stay out of the measurement.
    state: 'operational',
    stateText: 'Operational',
    backend: 'ok',
    temperatures: { tool0: null, bed: null },
    job: null,
    progress: 10,
    printTime: 10,
    printTimeLeft: 1_000,
    z: 1,
    error: null,
  };
  Object.assign(backend, {
    kind: 'octoprint',
    start: async () => undefined,
    stop: async () => undefined,
    status: () => status,
    link: () => 'ok',
    version: () => '1.10.2',
    snapshot: async () => jpeg,
  });
  return backend as unknown as PrinterBackend;
}

async function main(): Promise<void> {
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
  const sockets: Socket[] = [];
  const agents: AgentRuntime[] = [];
  try {
    const { orgId, cookie } = await signUpAndSignIn(base, {
      email: `bench-${id}@example.test`,
      password: 'correct horse battery staple',
      displayName: 'Bench',
      organizationName: 'Bench farm',
    });
    const fleet = await fetch(`${base}/api/orgs/${orgId}/fleets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'Hall A' }),
    });
    const fleetId = ((await fleet.json()) as { id: string }).id;
    const jpeg = await sampleJpeg();
    const printerIds: string[] = [];
    for (let index = 0; index < Math.max(TILES, 1); index++) {
      const printer = await app
        .get(DataSource)
        .getRepository(Printer)
        .save({ orgId, fleetId, name: `Cam-${index + 1}` });
      const issued = await app
        .get(DataSource)
        .transaction((manager) => app.get(PrinterCredentialsService).issue(manager, printer));
      const agent = new AgentRuntime({
        serverUrl: base,
        credential: issued.credential,
        backend: fakeBackend(jpeg),
        logger: pino({ level: 'silent' }),
        idleFrameIntervalSeconds: 0,
        frameIntervalSeconds: 3_600,
        statusRoutineIntervalMs: 30_000,
      });
      await agent.start();
      agents.push(agent);
      printerIds.push(printer.id);
    }
    while (!agents.every((agent) => agent.link.connected)) await new Promise((resolve) => setTimeout(resolve, 50));

    let measuring = false;
    const latencies: number[] = [];
    const bytes: number[] = Array.from({ length: WATCHERS }, () => 0);
    for (let index = 0; index < WATCHERS; index++) {
      const socket = io(`${base}${DASHBOARD_NAMESPACE}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        auth: { orgId },
        extraHeaders: { cookie },
      });
      sockets.push(socket);
      await new Promise((resolve) => socket.once(DASHBOARD_EVENTS.resync, resolve));
      socket.on(TILES ? DASHBOARD_EVENTS.cameraTile : DASHBOARD_EVENTS.cameraFrame, (frame: CameraFrameMessage) => {
        if (!measuring) return;
        latencies.push(Date.now() - frame.capturedAt);
        bytes[index]! += (frame.jpeg as Uint8Array).byteLength;
      });
      const answer = TILES
        ? await socket.emitWithAck(DASHBOARD_EVENTS.cameraWall, { printerIds, fps: FPS })
        : await socket.emitWithAck(DASHBOARD_EVENTS.cameraWatch, { printerId: printerIds[0], fps: FPS });
      if (!answer.ok) throw new Error(`watch refused: ${JSON.stringify(answer)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
    measuring = true;
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
    measuring = false;
    const elapsed = (Date.now() - startedAt) / 1_000;
    const perWatcher = bytes.reduce((sum, value) => sum + value, 0) / WATCHERS / elapsed;
    const framesPerWatcher = latencies.length / WATCHERS / elapsed;
    console.log(
      (TILES
        ? `camera wall: ${TILES} tiles at ${FPS} fps, ${CAMERA_LIMITS.tileWidth} px wide from `
        : `camera live view: ${WATCHERS} watcher(s) at ${FPS} fps asked, `) +
        `JPEG ${(jpeg.length / 1024).toFixed(1)} kB, ` +
        `${elapsed.toFixed(0)} s: latency p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms; ` +
        `${framesPerWatcher.toFixed(1)} frames/s and ${(perWatcher / 1024).toFixed(0)} kB/s per watcher`,
    );
    // After the last watcher leaves, the agent must stop within a lease.
    for (const socket of sockets) socket.disconnect();
    const leftAt = Date.now();
    while (agents.some((agent) => agent.camera.streaming) && Date.now() - leftAt < 30_000)
      await new Promise((resolve) => setTimeout(resolve, 50));
    console.log(`camera stream stopped ${Date.now() - leftAt} ms after the last watcher left`);
  } finally {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(agents.map((agent) => agent.stop()));
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

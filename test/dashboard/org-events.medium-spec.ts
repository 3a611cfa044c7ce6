import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AccountsModule } from '@farmhand/accounts';
import { AuditModule } from '@farmhand/audit';
import { AuthzModule } from '@farmhand/authz';
import { CoreModule, createLogger, loadConfig, type AppConfig } from '@farmhand/core';
import {
  DASHBOARD_EVENTS,
  DASHBOARD_NAMESPACE,
  DashboardPublisher,
  PrinterUpdatesCollector,
  type ChangedMessage,
  type DashboardOrgEvent,
  type ResyncMessage,
} from '@farmhand/dashboard';
import { createApiKey, createPrintJob, createTeam, type Team } from '@farmhand/factories';
import { JobsModule } from '@farmhand/jobs';
import type { Status } from '@farmhand/protocol';
import { sleep, startApi, waitFor, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { createFarmhandDataSource } from '@farmhand/schema';

interface Watch {
  socket: Socket;
  resyncs: ResyncMessage[];
  changes: ChangedMessage[];
  events: DashboardOrgEvent[];
}

const status: Status = {
  state: 'printing',
  stateText: 'Printing',
  backend: 'ok',
  temperatures: { tool0: { actual: 210, target: 210 }, bed: { actual: 60, target: 60 } },
  job: { fileName: 'bracket.gcode' },
  progress: 40,
  printTime: 100,
  printTimeLeft: 900,
  z: 1.2,
  error: null,
  sentAt: Date.now(),
};

/** What the worker role composes for the print queue, without its BullMQ consumers: no HTTP, no sockets. */
@Module({})
class WorkerLikeModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = createLogger('worker-test', 'silent');
    const dataSource = createFarmhandDataSource(config.DATABASE_URL, { poolSize: 3, applicationName: 'worker-test' });
    return {
      module: WorkerLikeModule,
      imports: [CoreModule.forRoot(config, logger, dataSource), AuthzModule, AuditModule, AccountsModule, JobsModule],
    };
  }
}

/**
 * `org.events` and publisher patches: queue changes made over HTTP (api) and in a worker (a Nest context without
 * HTTP, joined to the socket.io Redis adapter) reach browsers, filtered by what each may read.
 */
describe('dashboard organization events and publisher', () => {
  let api: ApiHarness;
  let worker: INestApplicationContext;
  let team: Team;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = await startApi();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: api.database.url,
      REDIS_URL: api.config.REDIS_URL,
      REDIS_PREFIX: api.config.REDIS_PREFIX,
      SECRET_KEY: api.config.SECRET_KEY,
      LOG_LEVEL: 'silent',
    });
    worker = await NestFactory.createApplicationContext(WorkerLikeModule.forRoot(config), { logger: false });
    await worker.init();
    team = await createTeam(api);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await worker?.close();
    await api?.close();
  });

  /** A browser (session cookie) or a script (API key as `auth.token`) watching the organization. */
  async function watch(client: HttpClient | { apiKey: string }): Promise<Watch> {
    const socket = io(`${api.url}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      auth: 'apiKey' in client ? { orgId: team.orgId, token: client.apiKey } : { orgId: team.orgId },
      extraHeaders: 'apiKey' in client ? {} : { cookie: `fh_session=${client.cookie('fh_session')}` },
    });
    sockets.push(socket);
    const watched: Watch = { socket, resyncs: [], changes: [], events: [] };
    socket.on(DASHBOARD_EVENTS.changed, (message: ChangedMessage) => watched.changes.push(message));
    socket.on(DASHBOARD_EVENTS.orgEvents, (events: DashboardOrgEvent[]) => watched.events.push(...events));
    await new Promise<void>((resolve, reject) => {
      socket.once(DASHBOARD_EVENTS.resync, (message: ResyncMessage) => {
        watched.resyncs.push(message);
        socket.on(DASHBOARD_EVENTS.resync, (next: ResyncMessage) => watched.resyncs.push(next));
        resolve();
      });
      socket.once('connect_error', reject);
    });
    return watched;
  }

  async function createJob(copies: number): Promise<{ jobId: string; copyIds: string[] }> {
    const job = await createPrintJob(team.operator.client, team.orgId, { copies, held: true });
    return { jobId: job.id, copyIds: job.copyIds };
  }

  /**
   * Only before a NEGATIVE assertion that no later message can prove (a watcher that may hear nothing at all): waits
   * until nothing published so far in either process is still on its way, then several subscriber ticks, by which
   * time whatever would have leaked has arrived. Positive assertions wait for their message instead.
   */
  async function settledForAbsence(): Promise<void> {
    await worker.get(DashboardPublisher).drain();
    await api.app.get(DashboardPublisher).drain();
    await sleep(700);
  }

  it('an operator sees queue events for a job they may read and for a copy moving state', async () => {
    const operator = await watch(team.operator.client);
    const { jobId, copyIds } = await createJob(2);
    await waitFor(
      async () => operator.events.find((event) => event.kind === 'queue' && event.jobId === jobId),
      'job created event',
    );
    expect(operator.events).toContainEqual(
      expect.objectContaining({ kind: 'queue', jobId, copyId: null, printerId: null, state: 'created' }),
    );

    const cancelled = await team.operator.client.post(`/api/orgs/${team.orgId}/copies/${copyIds[0]}/cancel`, {});
    expect(cancelled.status).toBe(200);
    await waitFor(
      async () => operator.events.find((event) => event.kind === 'queue' && event.copyId === copyIds[0]),
      'copy moved event',
    );
    expect(operator.events).toContainEqual(
      expect.objectContaining({ kind: 'queue', jobId, copyId: copyIds[0], state: 'cancelled', at: expect.any(String) }),
    );
  });

  it('copy moves made in the worker reach a browser on the api, and only if it may read the printer', async () => {
    const operator = await watch(team.operator.client);
    const limited = await watch(team.fleetOperator.client);
    const { jobId, copyIds } = await createJob(3);
    const emitter = worker.get(EventEmitter2);
    // What the scheduler and the dispatch emit in the worker, here for a printer of each fleet.
    emitter.emit('printCopy.stateChanged', {
      orgId: team.orgId,
      jobId,
      copyId: copyIds[0]!,
      printerId: team.printerA.id,
      from: 'queued',
      to: 'assigned',
    });
    emitter.emit('printCopy.stateChanged', {
      orgId: team.orgId,
      jobId,
      copyId: copyIds[1]!,
      printerId: team.printerB.id,
      from: 'queued',
      to: 'assigned',
    });
    // A barrier for the fleet-limited operator: a later move of a third copy on printer A, which they may hear. A
    // socket gets its messages in order, so once it is here, the fleet-B move would have come before it.
    emitter.emit('printCopy.stateChanged', {
      orgId: team.orgId,
      jobId,
      copyId: copyIds[2]!,
      printerId: team.printerA.id,
      from: 'queued',
      to: 'assigned',
    });
    await waitFor(
      async () => operator.events.some((event) => event.kind === 'queue' && event.copyId === copyIds[1]),
      'fleet B event',
    );
    await waitFor(
      async () => limited.events.some((event) => event.kind === 'queue' && event.copyId === copyIds[2]),
      'the later fleet-A move',
    );
    expect(operator.events).toContainEqual(
      expect.objectContaining({ copyId: copyIds[0], printerId: team.printerA.id, state: 'assigned' }),
    );
    expect(limited.events).toContainEqual(
      expect.objectContaining({ copyId: copyIds[0], printerId: team.printerA.id, state: 'assigned' }),
    );
    // The fleet-limited operator may read the job, but never hears about a printer outside fleet A.
    expect(limited.events.some((event) => event.printerId === team.printerB.id)).toBe(false);
    expect(limited.events.some((event) => event.kind === 'queue' && event.copyId === copyIds[1])).toBe(false);
  });

  it('a cleared plate reaches the operators, a deleted job those who may read it; a key that may not read jobs hears of neither', async () => {
    const key = await createApiKey(team.owner.client, team.orgId, { name: 'wall display', scopes: ['read:Printer'] });
    const display = await watch({ apiKey: key.key });
    const operator = await watch(team.operator.client);
    const limited = await watch(team.fleetOperator.client);
    const { jobId, copyIds } = await createJob(2);
    // Copy 1 printed on printer A and waits for its plate (what dispatch and the agent's events leave behind).
    const db = api.app.get(DataSource);
    await db.query(
      `UPDATE print_copies SET state = 'awaiting_bed_clear', printer_id = $2, attempt = 1, assigned_at = now()
        WHERE id = $1`,
      [copyIds[0], team.printerA.id],
    );
    await db.query(
      `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at)
       VALUES ($1, $2, $3, $4, $5, 1, 'awaiting_bed_clear', now())`,
      [team.orgId, copyIds[0], jobId, team.printerA.id, team.fleetA],
    );
    await db.query(
      `INSERT INTO printer_beds (printer_id, org_id, clear, copy_id, reason) VALUES ($1, $2, false, $3, 'print_done')`,
      [team.printerA.id, team.orgId, copyIds[0]],
    );

    const cleared = await team.fleetOperator.client.post(
      `/api/orgs/${team.orgId}/printers/${team.printerA.id}/bed/clear`,
      { outcome: 'good' },
    );
    expect(cleared.status).toBe(200);
    const deleted = await team.operator.client.delete(`/api/orgs/${team.orgId}/jobs/${jobId}`);
    expect(deleted.status).toBe(204);
    await waitFor(
      async () => operator.events.some((event) => event.kind === 'queue' && event.state === 'deleted'),
      'deleted',
    );
    await waitFor(
      () =>
        limited.events.some((event) => event.kind === 'queue' && event.copyId === copyIds[0] && event.state === 'done'),
      'the plate cleared, for the fleet-limited operator',
    );
    // The display may hear nothing at all, so no later message of its own can prove these absences.
    await settledForAbsence();

    for (const watcher of [operator, limited]) {
      expect(watcher.events).toContainEqual(
        expect.objectContaining({ jobId, copyId: copyIds[0], printerId: team.printerA.id, state: 'bed_cleared' }),
      );
      expect(watcher.events).toContainEqual(expect.objectContaining({ jobId, copyId: copyIds[0], state: 'done' }));
    }
    expect(operator.events).toContainEqual(expect.objectContaining({ jobId, copyId: null, state: 'deleted' }));
    // The job may print on every fleet, so a member limited to fleet A may not read it: only its copy on their
    // printer reaches them, not the job's own news.
    expect(limited.events.some((event) => event.kind === 'queue' && event.copyId === null)).toBe(false);
    expect(display.resyncs).toHaveLength(1);
    expect(display.events).toEqual([]);
  });

  it('rejects an event whose printer belongs to another organization than the one it names', async () => {
    const other = await createTeam(api, 'Other farm');
    const viewer = await watch(team.viewer.client);
    worker.get(DashboardPublisher).publishOrgEvent(team.orgId, {
      kind: 'alert',
      alertId: '00000000-0000-4000-8000-000000000001',
      printerId: other.printerA.id,
      level: 'pause',
      state: 'open',
      at: new Date().toISOString(),
    });
    worker.get(DashboardPublisher).publishOrgEvent(team.orgId, {
      kind: 'alert',
      alertId: '00000000-0000-4000-8000-000000000002',
      printerId: team.printerA.id,
      level: 'warning',
      state: 'open',
      at: new Date().toISOString(),
    });
    // The genuine alert, published second, is the barrier: the first would have arrived with it or before it.
    await waitFor(async () => viewer.events.some((event) => event.kind === 'alert'), 'alert event');
    expect(viewer.events.filter((event) => event.kind === 'alert').map((event) => event.printerId)).toEqual([
      team.printerA.id,
    ]);
  });

  it('a failure score and snapshot time published by another process arrive as printers.changed and survive telemetry', async () => {
    const viewer = await watch(team.viewer.client);
    const limited = await watch(team.fleetOperator.client);
    const snapshotAt = new Date().toISOString();
    worker
      .get(DashboardPublisher)
      .publishPrinterPatch(team.orgId, team.printerA.id, { failureScore: 0.42, snapshotAt });
    worker.get(DashboardPublisher).publishPrinterPatch(team.orgId, team.printerB.id, { failureScore: 0.9 });
    const changes = () => viewer.changes.flatMap((message) => message.changes);
    await waitFor(async () => changes().some((change) => change.id === team.printerB.id), 'patch of printer B');
    expect(changes()).toContainEqual({ id: team.printerA.id, failureScore: 0.42, snapshotAt });
    await waitFor(
      () => limited.changes.some((message) => message.changes.some((change) => change.id === team.printerA.id)),
      'patch of printer A, for the fleet-limited operator',
    );
    // Nothing the limited operator may hear comes after printer B's patch: settle before asserting its absence.
    await settledForAbsence();
    expect(limited.changes.flatMap((message) => message.changes).some((change) => change.id === team.printerB.id)).toBe(
      false,
    );

    // The agent's telemetry, merged on the api, does not overwrite what the detector wrote.
    const events = api.app.get(EventEmitter2);
    events.emit('printer.online', { orgId: team.orgId, printerId: team.printerA.id });
    events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status });
    await api.app.get(PrinterUpdatesCollector).drain();
    const fresh = await watch(team.viewer.client);
    const printerA = fresh.resyncs[0]!.printers.find((printer) => printer.id === team.printerA.id)!;
    expect(printerA.live).toMatchObject({ online: true, progress: 40, failureScore: 0.42, snapshotAt });

    // Going offline resets the agent's fields; the latest frame's time stays.
    events.emit('printer.offline', { orgId: team.orgId, printerId: team.printerA.id });
    await api.app.get(PrinterUpdatesCollector).drain();
    const after = await watch(team.viewer.client);
    expect(after.resyncs[0]!.printers.find((printer) => printer.id === team.printerA.id)!.live).toMatchObject({
      online: false,
      state: 'offline',
      progress: null,
      snapshotAt,
    });
  });
});

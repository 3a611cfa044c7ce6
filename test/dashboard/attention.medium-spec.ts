import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  DASHBOARD_EVENTS,
  DASHBOARD_NAMESPACE,
  DashboardPublisher,
  PrinterUpdatesCollector,
  type ChangedMessage,
  type PrinterChange,
  type ResyncMessage,
} from '@farmhand/dashboard';
import { createTeam, makeGcode, uploadRaw, type Team } from '@farmhand/factories';
import type { Status } from '@farmhand/protocol';
import { startApi, waitFor, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';

interface Watch {
  socket: Socket;
  resyncs: ResyncMessage[];
  changes: PrinterChange[];
}

const paused: Status = {
  state: 'paused',
  stateText: 'Paused',
  backend: 'ok',
  temperatures: { tool0: { actual: 180, target: 210 }, bed: { actual: 60, target: 60 } },
  job: { fileName: 'bracket.gcode' },
  progress: 56,
  printTime: 100,
  printTimeLeft: 900,
  z: 1.2,
  error: null,
  sentAt: Date.now(),
};

/**
 * "Needs a hand": the server computes each printer's `attention` from the agent's state and the queue's and the
 * detector's facts, which every resync reads from Postgres and which their owners publish as they change.
 */
describe('dashboard attention states', () => {
  let api: ApiHarness;
  let team: Team;
  let db: DataSource;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
    db = api.app.get(DataSource);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await api?.close();
  });

  async function watch(client: HttpClient, orgId = team.orgId): Promise<Watch> {
    const socket = io(`${api.url}${DASHBOARD_NAMESPACE}`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { orgId },
      extraHeaders: { cookie: `fh_session=${client.cookie('fh_session')}` },
    });
    sockets.push(socket);
    const watched: Watch = { socket, resyncs: [], changes: [] };
    socket.on(DASHBOARD_EVENTS.changed, (message: ChangedMessage) => watched.changes.push(...message.changes));
    await new Promise<void>((resolve, reject) => {
      socket.once(DASHBOARD_EVENTS.resync, (message: ResyncMessage) => {
        watched.resyncs.push(message);
        resolve();
      });
      socket.once('connect_error', reject);
    });
    return watched;
  }

  const liveOf = (watched: Watch, printerId: string) =>
    watched.resyncs.at(-1)!.printers.find((printer) => printer.id === printerId)?.live;

  async function createJob(): Promise<{ jobId: string; copyId: string }> {
    const upload = await uploadRaw(team.operator.client, team.orgId, makeGcode(), 'attention.gcode');
    expect(upload.status).toBe(201);
    const job = await team.operator.client.post(`/api/orgs/${team.orgId}/jobs`, {
      fileId: upload.body.file.id,
      copies: 1,
      held: true,
    });
    expect(job.status).toBe(201);
    const detail = await team.operator.client.get(`/api/orgs/${team.orgId}/jobs/${job.body.id}`);
    return { jobId: job.body.id, copyId: detail.body.copyList[0].id };
  }

  /** What dispatch and the agent's events leave behind: the copy on the printer in `state`. */
  async function putCopyOn(printerId: string, fleetId: string, state: string) {
    const { jobId, copyId } = await createJob();
    await db.query(
      `UPDATE print_copies SET state = $3, printer_id = $2, attempt = 1, assigned_at = now() WHERE id = $1`,
      [copyId, printerId, state],
    );
    await db.query(
      `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, fleet_id, attempt, state, assigned_at)
       VALUES ($1, $2, $3, $4, $5, 1, $6, now())`,
      [team.orgId, copyId, jobId, printerId, fleetId, state],
    );
    if (state === 'awaiting_bed_clear')
      await db.query(
        `INSERT INTO printer_beds (printer_id, org_id, clear, copy_id, reason) VALUES ($1, $2, false, $3, 'print_done')
         ON CONFLICT (printer_id) DO UPDATE SET clear = false, copy_id = EXCLUDED.copy_id, reason = 'print_done'`,
        [printerId, team.orgId, copyId],
      );
    return { jobId, copyId };
  }

  async function openAlert(printerId: string): Promise<string> {
    const [row] = await db.query(
      `INSERT INTO detection_alerts (org_id, printer_id, level, state, score) VALUES ($1, $2, 'pause', 'open', 0.93)
       RETURNING id`,
      [team.orgId, printerId],
    );
    return row.id as string;
  }

  it('a resync carries the facts from Postgres and the attention they make, only for printers the socket may read', async () => {
    const { copyId } = await putCopyOn(team.printerA.id, team.fleetA, 'awaiting_bed_clear');
    const alertId = await openAlert(team.printerB.id);

    const viewer = await watch(team.viewer.client);
    expect(liveOf(viewer, team.printerA.id)).toMatchObject({
      bedToClear: 'finished',
      copyInProgress: false,
      openAlert: false,
      attention: 'awaiting_bed_clear',
    });
    // A cancelled spaghetti print at 56 %: the open alert outranks everything else.
    expect(liveOf(viewer, team.printerB.id)).toMatchObject({ openAlert: true, attention: 'failure_alert' });

    const limited = await watch(team.fleetOperator.client);
    expect(liveOf(limited, team.printerA.id)).toMatchObject({ attention: 'awaiting_bed_clear' });
    expect(liveOf(limited, team.printerB.id)).toBeUndefined();

    // Clearing the plate over HTTP reaches the watchers as changed facts and a cleared attention.
    const cleared = await team.fleetOperator.client.post(
      `/api/orgs/${team.orgId}/printers/${team.printerA.id}/bed/clear`,
      { outcome: 'bad', requeue: true },
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ copyId, outcome: 'bad', requeued: true });
    await waitFor(
      async () => viewer.changes.find((change) => change.id === team.printerA.id && change.attention === null),
      'attention cleared',
    );
    expect(viewer.changes).toContainEqual(
      expect.objectContaining({ id: team.printerA.id, bedToClear: null, attention: null }),
    );

    // Resolving the alert ends printer B's attention; the fleet-limited operator never hears of printer B.
    const resolved = await team.operator.client.post(`/api/orgs/${team.orgId}/alerts/${alertId}/false-alarm`, {});
    expect(resolved.status).toBe(200);
    await waitFor(
      async () => viewer.changes.find((change) => change.id === team.printerB.id && change.openAlert === false),
      'alert fact cleared',
    );
    expect(viewer.changes).toContainEqual(
      expect.objectContaining({ id: team.printerB.id, openAlert: false, attention: null }),
    );
    await api.app.get(DashboardPublisher).drain();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(limited.changes.some((change) => change.id === team.printerB.id)).toBe(false);
  });

  it('a paused print needs a hand; an agent going offline mid-print keeps the copy in progress and says so', async () => {
    const viewer = await watch(team.viewer.client);
    const events = api.app.get(EventEmitter2);
    events.emit('printer.online', { orgId: team.orgId, printerId: team.printerA.id });
    events.emit('printer.status', { orgId: team.orgId, printerId: team.printerA.id, status: paused });
    await api.app.get(PrinterUpdatesCollector).drain();
    await waitFor(
      async () => viewer.changes.find((change) => change.id === team.printerA.id && change.attention === 'paused'),
      'paused attention',
    );

    const { jobId, copyId } = await putCopyOn(team.printerA.id, team.fleetA, 'printing');
    // The copy's move as the worker or the agent's events would announce it: the queue re-reads its facts.
    events.emit('printCopy.stateChanged', {
      orgId: team.orgId,
      jobId,
      copyId,
      printerId: team.printerA.id,
      from: 'uploading',
      to: 'printing',
    });
    await waitFor(
      async () => viewer.changes.find((change) => change.id === team.printerA.id && change.copyInProgress === true),
      'copy in progress',
    );

    events.emit('printer.offline', { orgId: team.orgId, printerId: team.printerA.id });
    await api.app.get(PrinterUpdatesCollector).drain();
    await waitFor(
      async () =>
        viewer.changes.find((change) => change.id === team.printerA.id && change.attention === 'offline_printing'),
      'offline mid-print',
    );
    // A fresh browser computes the same from the stored state and Postgres.
    const fresh = await watch(team.viewer.client);
    expect(liveOf(fresh, team.printerA.id)).toMatchObject({
      online: false,
      copyInProgress: true,
      attention: 'offline_printing',
    });
  });

  it('rejects a published attention or a fact naming a printer of another organization', async () => {
    const other = await createTeam(api, 'Other farm');
    const viewer = await watch(team.viewer.client);
    const before = liveOf(viewer, team.printerB.id)!;
    const publisher = api.app.get(DashboardPublisher);
    // `attention` is computed, never taken from a publisher; a patch for another organization's printer is dropped.
    publisher.publishPrinterPatch(team.orgId, team.printerB.id, { attention: 'failure_alert' } as never);
    publisher.publishPrinterPatch(team.orgId, other.printerA.id, { openAlert: true });
    publisher.publishPrinterPatch(team.orgId, team.printerB.id, { failureScore: 0.1 });
    await publisher.drain();
    await waitFor(
      async () => viewer.changes.find((change) => change.id === team.printerB.id && change.failureScore === 0.1),
      'the legitimate patch',
    );
    expect(viewer.changes.some((change) => change.attention !== undefined)).toBe(false);
    expect(viewer.changes.some((change) => change.id === other.printerA.id)).toBe(false);
    const fresh = await watch(team.viewer.client);
    expect(liveOf(fresh, team.printerB.id)!.attention).toBe(before.attention);
    const otherOwner = await watch(other.owner.client, other.orgId);
    expect(liveOf(otherOwner, other.printerA.id)).toMatchObject({ openAlert: false, attention: null });
  });
});

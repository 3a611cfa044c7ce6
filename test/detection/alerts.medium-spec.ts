import { randomUUID } from 'node:crypto';
import { PrinterControlService } from '@farmhand/agents';
import { DetectionChainService, FramesRepository, type FrameForInference } from '@farmhand/detection';
import { createTeam, insertPrinter, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';

const CLEAN = Array<number>(40).fill(0.02);
const SPAGHETTI = (n: number) => Array<number>(n).fill(0.98);

/**
 * The detector's alert rules, driven through the real chain with real score sequences (no warm-up: configured to 0),
 * and the operators' alert API. The printer control path is replaced by a spy here (no agent is connected); the
 * e2e test (detection-path) runs the real pause.
 */
describe('detection alerts', () => {
  let api: ApiHarness;
  let team: Team;
  let chain: DetectionChainService;
  let execute: jest.SpyInstance;
  const raised: { name: string; payload: any }[] = [];

  beforeAll(async () => {
    api = await startApi({ DETECTION_WARMUP_FRAMES: '0' });
    team = await createTeam(api);
    chain = api.app.get(DetectionChainService);
    execute = jest.spyOn(api.app.get(PrinterControlService), 'execute').mockResolvedValue({});
    const emitter = api.app.get(EventEmitter2);
    for (const name of ['detection.alertRaised', 'detection.printPaused'])
      emitter.on(name, (payload: unknown) => raised.push({ name, payload }));
  });

  afterAll(async () => {
    await api?.close();
  });

  beforeEach(() => {
    execute.mockClear();
    raised.length = 0;
  });

  const query = (sql: string, params: unknown[] = []): Promise<any[]> => api.app.get(DataSource).query(sql, params);

  async function printer(fleetId: string, detection: Record<string, unknown>) {
    const row = await insertPrinter(api, team.orgId, fleetId);
    await query(`UPDATE printers SET detection = $2 WHERE id = $1`, [row.id, JSON.stringify(detection)]);
    return row;
  }

  /** Stores a frame row per score (as the api would) and hands each score to the chain, in order. */
  async function feed(printerRow: { id: string; fleetId: string; name: string }, printKey: string, scores: number[]) {
    const frames = api.app.get(FramesRepository);
    const [settings] = await query(`SELECT detection FROM printers WHERE id = $1`, [printerRow.id]);
    for (const score of scores) {
      const id = randomUUID();
      const frame = await api.app.get(DataSource).transaction((manager) =>
        frames.insert(manager, {
          id,
          orgId: team.orgId,
          printerId: printerRow.id,
          printKey,
          takenAt: new Date(),
          bytes: 1,
          width: 1,
          height: 1,
          storagePath: `${team.orgId}/${printerRow.id}/x/${id}.jpg`,
        }),
      );
      const loaded: FrameForInference = {
        frame,
        printer: {
          id: printerRow.id,
          orgId: team.orgId,
          fleetId: printerRow.fleetId,
          name: printerRow.name,
          detection: settings.detection,
        },
      };
      await chain.onScored(loaded, score);
    }
  }

  const alertsOf = (printerId: string) =>
    query(`SELECT * FROM detection_alerts WHERE printer_id = $1 ORDER BY created_at`, [printerId]);

  it('raises one warning, and no new alert while the last one is unacknowledged', async () => {
    const p = await printer(team.fleetA, { autoPause: false });
    await feed(p, 'print:one', [...CLEAN, ...SPAGHETTI(20)]);
    const alerts = await alertsOf(p.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'warning', state: 'open', paused: false, print_key: 'print:one' });
    expect(raised.filter((e) => e.name === 'detection.alertRaised')).toEqual([
      {
        name: 'detection.alertRaised',
        payload: expect.objectContaining({
          printerId: p.id,
          alertId: alerts[0].id,
          level: 'warning',
          orgId: team.orgId,
        }),
      },
    ]);
    expect(execute).not.toHaveBeenCalled();
    // Frames around the alert are kept: its own and the 10 before it.
    const [kept] = await query(`SELECT count(*)::int AS n FROM detection_frames WHERE printer_id = $1 AND kept`, [
      p.id,
    ]);
    expect(kept.n).toBe(11);
  });

  it('keeps the 90 s cooldown after an acknowledgement, then raises again', async () => {
    const p = await printer(team.fleetA, { autoPause: false });
    await feed(p, 'print:two', [...CLEAN, ...SPAGHETTI(8)]);
    const [first] = await alertsOf(p.id);
    const ack = await team.operator.client.post(`/api/orgs/${team.orgId}/alerts/${first.id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: first.id, state: 'acknowledged', resolvedBy: team.operator.email });
    await feed(p, 'print:two', SPAGHETTI(3));
    expect(await alertsOf(p.id)).toHaveLength(1);
    // 91 s later (moved in the database rather than waited for):
    await query(`UPDATE detection_alerts SET created_at = created_at - interval '91 seconds' WHERE id = $1`, [
      first.id,
    ]);
    await feed(p, 'print:two', SPAGHETTI(1));
    const alerts = await alertsOf(p.id);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ level: 'warning', state: 'open' });
  });

  it('pauses at most once per print, as the system principal, escalating the open warning', async () => {
    const p = await printer(team.fleetA, { autoPause: true, sensitivity: 1.2 });
    await feed(p, 'print:three', [...CLEAN, ...SPAGHETTI(25)]);
    expect(execute).toHaveBeenCalledTimes(1);
    const [principal, orgId, printerId, command] = execute.mock.calls[0];
    expect(principal).toEqual({ kind: 'system', orgId: team.orgId, reason: 'failure detector' });
    expect([orgId, printerId, command]).toEqual([team.orgId, p.id, { type: 'pause', args: {} }]);
    const alerts = await alertsOf(p.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'pause', paused: true, state: 'open' });
    expect(raised.filter((e) => e.name === 'detection.printPaused')).toHaveLength(1);

    // Acknowledged and past the cooldown, the same print keeps failing: a new alert, but no second pause.
    await team.operator.client.post(`/api/orgs/${team.orgId}/alerts/${alerts[0].id}/acknowledge`);
    await query(`UPDATE detection_alerts SET created_at = created_at - interval '91 seconds' WHERE printer_id = $1`, [
      p.id,
    ]);
    await feed(p, 'print:three', SPAGHETTI(5));
    expect(execute).toHaveBeenCalledTimes(1);
    const after = await alertsOf(p.id);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ level: 'warning', paused: false });
  });

  it('records why a pause failed and does not try again in the same print', async () => {
    const p = await printer(team.fleetA, { autoPause: true, sensitivity: 1.2 });
    execute.mockRejectedValueOnce(new Error('The printer is offline'));
    await feed(p, 'print:four', [...CLEAN, ...SPAGHETTI(25)]);
    expect(execute).toHaveBeenCalledTimes(1);
    const [alert] = await alertsOf(p.id);
    expect(alert).toMatchObject({ level: 'pause', paused: false, pause_error: 'The printer is offline' });
    expect(raised.filter((e) => e.name === 'detection.printPaused')).toEqual([]);
  });

  it('viewer cannot acknowledge, mark a false alarm or confirm', async () => {
    const p = await printer(team.fleetA, { autoPause: false });
    await feed(p, 'print:five', [...CLEAN, ...SPAGHETTI(8)]);
    const [alert] = await alertsOf(p.id);
    for (const verb of ['acknowledge', 'false-alarm', 'confirm']) {
      const response = await team.viewer.client.post(`/api/orgs/${team.orgId}/alerts/${alert.id}/${verb}`);
      expect(response.status).toBe(403);
    }
    const viewed = await team.viewer.client.get(`/api/orgs/${team.orgId}/alerts?printerId=${p.id}`);
    expect(viewed.status).toBe(200);
    expect(viewed.body.items).toEqual([
      expect.objectContaining({
        id: alert.id,
        state: 'open',
        printerName: p.name,
        fleetId: team.fleetA,
        level: 'warning',
      }),
    ]);
  });

  it('operator of another fleet gets 404 and never sees the alert in lists', async () => {
    const p = await printer(team.fleetB, { autoPause: false });
    await feed(p, 'print:six', [...CLEAN, ...SPAGHETTI(8)]);
    const [alert] = await alertsOf(p.id);
    const response = await team.fleetOperator.client.post(`/api/orgs/${team.orgId}/alerts/${alert.id}/acknowledge`);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('alert_not_found');
    const listed = await team.fleetOperator.client.get(`/api/orgs/${team.orgId}/alerts?limit=200`);
    expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(alert.id);
    const [row] = await alertsOf(p.id);
    expect(row.state).toBe('open');
  });

  it('marks a false alarm once; a resolved alert cannot be confirmed (409), and each verdict is audited', async () => {
    const p = await printer(team.fleetA, { autoPause: false });
    await feed(p, 'print:seven', [...CLEAN, ...SPAGHETTI(8)]);
    const [alert] = await alertsOf(p.id);
    const falseAlarm = await team.operator.client.post(`/api/orgs/${team.orgId}/alerts/${alert.id}/false-alarm`);
    expect(falseAlarm.status).toBe(200);
    expect(falseAlarm.body.state).toBe('false_alarm');
    const confirm = await team.operator.client.post(`/api/orgs/${team.orgId}/alerts/${alert.id}/confirm`);
    expect(confirm.status).toBe(409);
    expect(confirm.body.error.code).toBe('alert_already_resolved');
    expect(execute).not.toHaveBeenCalled();
    const audit = await query(`SELECT action, actor_type FROM audit_entries WHERE subject_id = $1`, [alert.id]);
    expect(audit).toEqual([{ action: 'alert.false_alarm', actor_type: 'user' }]);
  });

  it('validates list filters, naming the field', async () => {
    const tooMany = await team.viewer.client.get(`/api/orgs/${team.orgId}/alerts?limit=500`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.field).toBe('limit');
    const badState = await team.viewer.client.get(`/api/orgs/${team.orgId}/alerts?state=closed`);
    expect(badState.status).toBe(400);
    expect(badState.body.error.field).toBe('state');
  });
});

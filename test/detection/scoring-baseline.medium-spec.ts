import { randomUUID } from 'node:crypto';
import { PrinterControlService } from '@farmhand/agents';
import { DetectionChainService, FramesRepository, ScoreStateStore, type FrameForInference } from '@farmhand/detection';
import { createTeam, insertPrinter, type Team } from '@farmhand/factories';
import { startApi, waitFor, type ApiHarness } from '@farmhand/testing';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';

const clean = (n: number) => Array<number>(n).fill(0.02);
const spaghetti = (n: number) => Array<number>(n).fill(0.98);

/**
 * The printer's baseline (the long mean) through the real chain, the real Redis state and the real events, with the
 * default configuration (no hard warm-up): a new printer alerts from its first print, and neither an open alert nor
 * a failed print teaches the baseline what failure looks like (issue 12 point 4).
 */
describe('detection baseline', () => {
  let api: ApiHarness;
  let team: Team;
  let chain: DetectionChainService;
  let scores: ScoreStateStore;
  let execute: jest.SpyInstance;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api);
    chain = api.app.get(DetectionChainService);
    scores = api.app.get(ScoreStateStore);
    execute = jest.spyOn(api.app.get(PrinterControlService), 'execute').mockResolvedValue({});
  });

  afterAll(async () => {
    await api?.close();
  });

  beforeEach(() => execute.mockClear());

  const query = (sql: string, params: unknown[] = []): Promise<any[]> => api.app.get(DataSource).query(sql, params);

  async function printer(detection: Record<string, unknown>) {
    const row = await insertPrinter(api, team.orgId, team.fleetA);
    await query(`UPDATE printers SET detection = $2 WHERE id = $1`, [row.id, JSON.stringify(detection)]);
    return row;
  }

  /** Stores a frame row per score (as the api would) and hands each score to the chain, in order. */
  async function feed(
    printerRow: { id: string; fleetId: string; name: string },
    printKey: string,
    values: number[],
    boxes?: (score: number, index: number) => { x: number; y: number; w: number; h: number; score: number }[],
  ) {
    const frames = api.app.get(FramesRepository);
    const [settings] = await query(`SELECT detection FROM printers WHERE id = $1`, [printerRow.id]);
    const verdicts: string[] = [];
    for (const [index, score] of values.entries()) {
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
        printer: { ...printerRow, orgId: team.orgId, detection: settings.detection },
      };
      verdicts.push((await chain.onScored(loaded, score, { boxes: boxes?.(score, index) })).verdict ?? 'none');
    }
    return verdicts;
  }

  const alertsOf = (printerId: string) =>
    query(`SELECT * FROM detection_alerts WHERE printer_id = $1 ORDER BY created_at`, [printerId]);

  it("warns on a new printer's first print going to spaghetti after 10 clean frames, and pauses it", async () => {
    const p = await printer({ autoPause: true });
    const verdicts = await feed(p, 'print:first', [...clean(10), ...spaghetti(6)]);
    expect(verdicts.slice(0, 11)).toEqual(Array(11).fill('fine'));
    expect(verdicts[11]).toBe('warn'); // the 2nd spaghetti frame
    expect(verdicts.slice(14)).toEqual(['pause', 'pause']);
    expect(execute).toHaveBeenCalledTimes(1);
    const alerts = await alertsOf(p.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'pause', paused: true, state: 'open', print_key: 'print:first' });
  });

  it('starts a printer from the clean prior, not from its first frames', async () => {
    const p = await printer({ autoPause: false });
    await feed(p, 'print:a', [0.4]);
    const stored = await scores.get(p.id);
    // 0.05 counted as 10 frames, then one frame of 0.4 (Obico's mean would be 0.2 after it).
    expect(stored!.state.longMean).toBeCloseTo(0.05 + 0.35 / 11, 9);
  });

  it('leaves the baseline unchanged for frames scored while an alert of the print is open', async () => {
    const p = await printer({ autoPause: false });
    await feed(p, 'print:open', [...clean(30), ...spaghetti(3)]);
    expect(await alertsOf(p.id)).toHaveLength(1);
    const during = (await scores.get(p.id))!.state;
    // Clean frames again while the warning is open: scored, not learned.
    const verdicts = await feed(p, 'print:open', clean(20));
    expect(verdicts.at(-1)).toBe('fine');
    const after = (await scores.get(p.id))!.state;
    expect(after).toMatchObject({
      longMean: during.longMean,
      longWeight: during.longWeight,
      shortMean: during.shortMean,
      shortFrames: during.shortFrames,
      printFrames: during.printFrames + 20,
    });
    // Once the operator calls it a false alarm, the print's frames teach the baseline again.
    const [alert] = await alertsOf(p.id);
    const response = await team.operator.client.post(`/api/orgs/${team.orgId}/alerts/${alert.id}/false-alarm`);
    expect(response.status).toBe(200);
    // (each frame is learned once two more were fine: of three clean frames, the first is learned)
    await feed(p, 'print:open', clean(3));
    expect((await scores.get(p.id))!.state.longWeight).toBe(during.longWeight + 1);
  });

  it('takes the frames of a print that ended failed out of the baseline', async () => {
    const p = await printer({ autoPause: false });
    await feed(p, 'print:one', clean(40));
    const before = (await scores.get(p.id))!.state;
    // A print whose camera scores higher than usual, but not high enough to alert, then fails.
    await feed(p, 'print:two', Array<number>(40).fill(0.3));
    expect((await scores.get(p.id))!.state.longMean).toBeGreaterThan(before.longMean + 0.05);
    api.app.get(EventEmitter2).emit('printer.printEvent', {
      orgId: team.orgId,
      printerId: p.id,
      eventId: randomUUID(),
      type: 'failed',
      at: Date.now(),
      reason: null,
    });
    const settled = await waitFor(async () => {
      const stored = await scores.get(p.id);
      return stored?.state.printSettled ? stored.state : null;
    }, 'the failed print settled');
    expect(settled!.longMean).toBeCloseTo(before.longMean, 12);
    expect(settled!.longWeight).toBe(before.longWeight);
  });

  it('keeps a cancelled print that raised no alert, and drops one that did', async () => {
    const p = await printer({ autoPause: false });
    await feed(p, 'print:one', clean(40));
    await feed(p, 'print:two', Array<number>(20).fill(0.1));
    const kept = (await scores.get(p.id))!.state.longMean;
    await scores.settle(p.id, null, 'cancelled');
    await feed(p, 'print:three', clean(1));
    expect((await scores.get(p.id))!.state.settledLongMean).toBeCloseTo(kept, 12);

    await feed(p, 'print:four', [...Array<number>(20).fill(0.1), ...spaghetti(3)]);
    expect((await alertsOf(p.id)).length).toBe(1);
    const beforeFour = (await scores.get(p.id))!.state.settledLongMean;
    await scores.settle(p.id, null, 'cancelled');
    expect((await scores.get(p.id))!.state.longMean).toBeCloseTo(beforeFour, 12);
  });

  it('stores where the model saw it with the alert, moves it to the frame that paused, and shows it in the API', async () => {
    const p = await printer({ autoPause: true });
    const at = (index: number) => [{ x: 0.1 * (index % 5), y: 0.5, w: 0.25, h: 0.25, score: 0.98 }];
    await feed(p, 'print:boxes', [...clean(10), ...spaghetti(6)], (score, index) => (score > 0.5 ? at(index) : []));
    const [alert] = await alertsOf(p.id);
    expect(alert).toMatchObject({ level: 'pause', paused: true });
    // The pause came on the 4th spaghetti frame (index 13): its boxes replaced the warning's.
    expect(alert.boxes).toEqual(at(13));
    const listed = await team.viewer.client.get(`/api/orgs/${team.orgId}/alerts?printerId=${p.id}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items[0]).toMatchObject({ id: alert.id, frameId: alert.frame_id, boxes: at(13) });
  });
});

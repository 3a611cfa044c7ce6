import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobHandlerRegistry } from '@farmhand/core';
import { FrameStorage, FramesRepository } from '@farmhand/detection';
import { createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { jpegFrame } from './frame-images';

const DAY = 24 * 3600 * 1000;

describe('frame retention (frames.prune)', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-retention-'));
    api = await startApi({ DATA_DIR: dataDir });
    team = await createTeam(api);
  });

  afterAll(async () => {
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const query = (sql: string, params: unknown[] = []): Promise<any[]> => api.app.get(DataSource).query(sql, params);

  async function frame(takenAt: Date, extra: { kept?: boolean; printKey?: string } = {}) {
    const storage = api.app.get(FrameStorage);
    const id = randomUUID();
    const storagePath = storage.pathFor(team.orgId, team.printerA.id, id, takenAt);
    await storage.write(storagePath, await jpegFrame(32, 24));
    await api.app.get(DataSource).transaction((manager) =>
      api.app.get(FramesRepository).insert(manager, {
        id,
        orgId: team.orgId,
        printerId: team.printerA.id,
        printKey: extra.printKey ?? null,
        takenAt,
        bytes: 1,
        width: 32,
        height: 24,
        storagePath,
        kept: extra.kept ?? false,
      }),
    );
    return { id, file: join(dataDir, 'frames', storagePath) };
  }

  const exists = (file: string) =>
    stat(file).then(
      () => true,
      () => false,
    );

  it('deletes old unkept frames and their files, and keeps recent, kept, alert and labelled-print frames', async () => {
    const now = Date.now();
    const old = await frame(new Date(now - 10 * DAY));
    const oldToo = await frame(new Date(now - 8 * DAY), { printKey: 'print:plain' });
    const recent = await frame(new Date(now - 2 * DAY));
    const kept = await frame(new Date(now - 10 * DAY), { kept: true });
    // An alert 9 days ago: the frame a minute after it is kept, one five minutes after is not.
    const alertAt = new Date(now - 9 * DAY);
    const afterAlert = await frame(new Date(alertAt.getTime() + 60_000));
    const longAfterAlert = await frame(new Date(alertAt.getTime() + 5 * 60_000));
    await query(
      `INSERT INTO detection_alerts (org_id, printer_id, level, state, score, created_at, print_key)
       VALUES ($1, $2, 'warning', 'acknowledged', 0.9, $3, 'print:alerted')`,
      [team.orgId, team.printerA.id, alertAt],
    );
    // A print an operator labelled (an alert of it marked a false alarm): all its frames stay.
    const labelled = await frame(new Date(now - 12 * DAY), { printKey: 'print:labelled' });
    await query(
      `INSERT INTO detection_alerts (org_id, printer_id, level, state, score, created_at, print_key)
       VALUES ($1, $2, 'warning', 'false_alarm', 0.9, $3, 'print:labelled')`,
      [team.orgId, team.printerA.id, new Date(now - 20 * DAY)],
    );

    const prune = api.app.get(JobHandlerRegistry).get('frames.prune')!;
    const outcome = await prune({ orgId: null, olderThanDays: 7 }, { attemptsMade: 0, name: 'frames.prune' });
    expect(outcome).toMatchObject({ status: 'pruned', deleted: 3 });

    const left = (await query(`SELECT id FROM detection_frames`)).map((row) => row.id).sort();
    expect(left).toEqual([recent.id, kept.id, afterAlert.id, labelled.id].sort());
    for (const gone of [old, oldToo, longAfterAlert]) expect(await exists(gone.file)).toBe(false);
    for (const stays of [recent, kept, afterAlert, labelled]) expect(await exists(stays.file)).toBe(true);

    // Running again finds nothing more.
    expect(await prune({ orgId: null, olderThanDays: 7 }, { attemptsMade: 0, name: 'frames.prune' })).toMatchObject({
      deleted: 0,
    });
  });
});

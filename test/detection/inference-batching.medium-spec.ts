/**
 * @jest-environment ./apps/inference/src/model/testing/onnx-test.environment.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobQueue } from '@farmhand/core';
import { FrameStorage, FramesRepository } from '@farmhand/detection';
import { createTeam, insertPrinter, type Team } from '@farmhand/factories';
import { startApi, startInference, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { WebcamRenderer } from '../../apps/printer-sim/src/core/webcam-renderer';
import { InferenceRuntime } from '../../apps/inference/src/runtime/inference-runtime';

const PRINTERS = 6;

describe('inference role: micro-batched frames of many printers', () => {
  let api: ApiHarness;
  let inference: RoleHarness;
  let team: Team;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-inference-'));
    api = await startApi({ DATA_DIR: dataDir });
    // B = the number of printers and a long T: the batch leaves because it is full, independent of timing.
    inference = await startInference(
      {
        INFERENCE_BATCH_SIZE: String(PRINTERS),
        INFERENCE_BATCH_WAIT_MS: '10000',
      },
      { api },
    );
    team = await createTeam(api);
  }, 60_000);

  afterAll(async () => {
    await inference?.close();
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs frames of many printers through one session call and writes each score on its own frame row', async () => {
    const renderer = new WebcamRenderer();
    const storage = api.app.get(FrameStorage);
    const frames = api.app.get(FramesRepository);
    const dataSource = api.app.get(DataSource);
    const runtime = inference.app.get(InferenceRuntime);
    const runs = jest.spyOn(runtime.model.session, 'run');

    const stored: { frameId: string; printerId: string; image: Buffer }[] = [];
    for (let i = 0; i < PRINTERS; i++) {
      const printer = i === 0 ? team.printerA : await insertPrinter(api, team.orgId, team.fleetA);
      // Half the printers show spaghetti: their scores must differ from the others', so a mix-up would show.
      const image = await renderer.render({
        seed: 0,
        completion: 0.3 + i * 0.05,
        layerCount: 100,
        spaghetti: i % 2 === 0,
        nozzleHot: true,
      });
      const frameId = crypto.randomUUID();
      const takenAt = new Date();
      const storagePath = storage.pathFor(team.orgId, printer.id, frameId, takenAt);
      await storage.write(storagePath, image);
      await dataSource.transaction((manager) =>
        frames.insert(manager, {
          id: frameId,
          orgId: team.orgId,
          printerId: printer.id,
          printKey: `print:test-${i}`,
          takenAt,
          bytes: image.length,
          width: 640,
          height: 480,
          storagePath,
        }),
      );
      stored.push({ frameId, printerId: printer.id, image });
    }
    const jobs = api.app.get(JobQueue);
    for (const frame of stored) {
      await jobs.enqueue('frame.infer', { orgId: team.orgId, frameId: frame.frameId, printerId: frame.printerId });
    }

    const rows = (await waitFor(
      async () => {
        const found = (await dataSource.query(
          `SELECT id, printer_id AS "printerId", score FROM detection_frames WHERE id = ANY($1) AND score IS NOT NULL`,
          [stored.map((frame) => frame.frameId)],
        )) as { id: string; printerId: string; score: number }[];
        return found.length === PRINTERS ? found : null;
      },
      'every frame scored',
      60_000,
    ))!;
    expect(runs).toHaveBeenCalledTimes(1);
    // One session call for the whole batch: every tile of every printer's frame (the default model scores tiles).
    expect((runs.mock.calls[0]![0] as Record<string, { dims: readonly number[] }>).image!.dims[0]).toBe(
      PRINTERS * runtime.model.tiles.length,
    );

    // Each row holds the score of its own image, as the same model gives it alone.
    runs.mockRestore();
    for (const frame of stored) {
      const [alone] = await runtime.model.runBatch([{ id: frame.frameId, image: frame.image }]);
      if (!alone!.ok) throw new Error(alone!.error.message);
      const row = rows.find((r) => r.id === frame.frameId)!;
      expect(row.printerId).toBe(frame.printerId);
      expect(row.score).toBeCloseTo(alone!.score, 4);
    }
    const scores = rows.map((row) => row.score);
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(0.3);
  }, 90_000);

  it("crops each frame to its own printer's region of interest, read from the printer row", async () => {
    const renderer = new WebcamRenderer();
    const image = await renderer.render({
      seed: 3,
      completion: 0.7,
      layerCount: 100,
      spaghetti: true,
      nozzleHot: true,
    });
    const storage = api.app.get(FrameStorage);
    const dataSource = api.app.get(DataSource);
    const whole = await insertPrinter(api, team.orgId, team.fleetA);
    // The bed is elsewhere in this printer's picture: the spaghetti lies outside its region.
    const cropped = await insertPrinter(api, team.orgId, team.fleetA);
    await dataSource.query(`UPDATE printers SET detection = $2 WHERE id = $1`, [
      cropped.id,
      JSON.stringify({ regionOfInterest: { x: 0, y: 0, width: 0.3, height: 0.3 } }),
    ]);
    const ids: Record<string, string> = {};
    for (const printer of [whole, cropped]) {
      const frameId = crypto.randomUUID();
      const takenAt = new Date();
      const storagePath = storage.pathFor(team.orgId, printer.id, frameId, takenAt);
      await storage.write(storagePath, image);
      await dataSource.transaction((manager) =>
        api.app.get(FramesRepository).insert(manager, {
          id: frameId,
          orgId: team.orgId,
          printerId: printer.id,
          printKey: 'print:roi',
          takenAt,
          bytes: image.length,
          width: 640,
          height: 480,
          storagePath,
        }),
      );
      ids[printer.id] = frameId;
      await api.app.get(JobQueue).enqueue('frame.infer', { orgId: team.orgId, frameId, printerId: printer.id });
    }
    // Two frames do not fill a batch of six: they leave together when the batcher is drained.
    await waitFor(
      async () => {
        await inference.app.get(InferenceRuntime).flush();
        const rows = (await dataSource.query(
          `SELECT id, score FROM detection_frames WHERE id = ANY($1) AND score IS NOT NULL`,
          [Object.values(ids)],
        )) as unknown[];
        return rows.length === 2;
      },
      'both frames scored',
      60_000,
    );
    const [wholeRow] = await dataSource.query(`SELECT score FROM detection_frames WHERE id = $1`, [ids[whole.id]]);
    const [croppedRow] = await dataSource.query(`SELECT score FROM detection_frames WHERE id = $1`, [ids[cropped.id]]);
    // The spaghetti outside the printer's region is not seen: its frame stays below the model's alert point.
    const alertPoint = inference.app.get(InferenceRuntime).model.manifest.scoring?.alertThreshold ?? 0.5;
    expect(wholeRow.score).toBeGreaterThan(0.9);
    expect(croppedRow.score).toBeLessThan(alertPoint);
    expect(wholeRow.score - croppedRow.score).toBeGreaterThan(0.5);
  }, 90_000);
});

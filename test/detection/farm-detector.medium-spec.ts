/**
 * @jest-environment ./apps/inference/src/model/testing/onnx-test.environment.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobQueue } from '@farmhand/core';
import { FrameStorage, FramesRepository } from '@farmhand/detection';
import { createTeam, type Team } from '@farmhand/factories';
import { startApi, startInference, waitFor, type ApiHarness, type RoleHarness } from '@farmhand/testing';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import {
  tinyEmbeddingGraph,
  tinyEmbeddingManifest,
  writeModelDirectory,
} from '../../apps/inference/src/model/testing/tiny-graphs';

/**
 * A farm teaches its own detector, through the real interfaces: people label frames over HTTP, a training runs
 * through the real queue on an inference role, the candidate shows with its metrics, is activated, scores this
 * organization's frames while another organization's frames keep the default head, and is rolled back.
 *
 * The tiny model's embedding is each channel's mean and its default head calls red a failure; this farm's failures
 * are green and its fine prints red, so the default head has this farm backwards and its own head must learn it.
 */
describe('a farm that teaches its own detector', () => {
  let api: ApiHarness;
  let inference: RoleHarness;
  let team: Team;
  let other: Team;
  let dataDir: string;
  let model: { directory: string; remove: () => Promise<void> };
  let green: Buffer;
  let red: Buffer;

  const solid = (r: number, g: number) =>
    sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g, b: 0 } } })
      .jpeg({ quality: 95 })
      .toBuffer();

  async function storeFrame(orgId: string, printerId: string, image: Buffer, printKey: string): Promise<string> {
    const storage = api.app.get(FrameStorage);
    const frameId = randomUUID();
    const takenAt = new Date();
    const storagePath = storage.pathFor(orgId, printerId, frameId, takenAt);
    await storage.write(storagePath, image);
    await api.app.get(DataSource).transaction((manager) =>
      api.app.get(FramesRepository).insert(manager, {
        id: frameId,
        orgId,
        printerId,
        printKey,
        takenAt,
        bytes: image.length,
        width: 32,
        height: 32,
        storagePath,
      }),
    );
    return frameId;
  }

  async function scored(orgId: string, printerId: string, image: Buffer): Promise<number> {
    const frameId = await storeFrame(orgId, printerId, image, `print:score-${randomUUID()}`);
    await api.app.get(JobQueue).enqueue('frame.infer', { orgId, frameId, printerId });
    const [row] = await waitFor(
      async () => {
        const rows: { score: number | null }[] = await api.app
          .get(DataSource)
          .query('SELECT score FROM detection_frames WHERE id = $1', [frameId]);
        return rows[0]?.score !== null ? rows : undefined;
      },
      'the frame scored',
      30_000,
    );
    return row!.score!;
  }

  const path = (orgId: string, rest: string) => `/api/orgs/${orgId}${rest}`;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-detector-'));
    model = await writeModelDirectory(
      tinyEmbeddingManifest({ scoring: { cleanPrior: 0.05, alertThreshold: 0.5 } }),
      tinyEmbeddingGraph(),
    );
    api = await startApi({ DATA_DIR: dataDir });
    inference = await startInference({ INFERENCE_MODEL_DIR: model.directory, INFERENCE_BATCH_WAIT_MS: '20' }, { api });
    team = await createTeam(api);
    other = await createTeam(api, 'Other farm');
    [green, red] = [await solid(0, 255), await solid(255, 0)];
  }, 120_000);

  afterAll(async () => {
    await inference?.close();
    await api?.close();
    await model?.remove();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('labels frames, trains a candidate on the queue, activates it for this farm only, and rolls back', async () => {
    const { owner, operator, orgId, printerA } = team;
    const empty = await owner.client.get(path(orgId, '/detector'));
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      activeHeadId: null,
      minimum: { failure: 10, ok: 10 },
      training: { state: 'idle' },
      heads: [],
    });

    // Not enough labels yet: the answer says how many of each are needed.
    const early = await owner.client.post(path(orgId, '/detector/train'));
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_enough_labels');
    expect(early.body.error.message).toMatch(/10 frames labelled as a failure and 10 labelled as fine/);

    // 12 failures (green) and 12 fine frames (red), each of its own print; an operator labels one of them.
    for (let i = 0; i < 12; i++) {
      for (const [image, label] of [
        [green, 'failure'],
        [red, 'ok'],
      ] as const) {
        const frameId = await storeFrame(orgId, printerA.id, image, `print:${label}-${i}`);
        const who = i === 0 ? operator.client : owner.client;
        const labelled = await who.put(path(orgId, `/printers/${printerA.id}/frames/${frameId}/label`), { label });
        expect(labelled.status).toBe(200);
        expect(labelled.body).toMatchObject({ frameId, label, labelledBy: expect.any(String) });
        expect(Date.parse(labelled.body.labelledAt)).not.toBeNaN();
      }
    }
    const counted = await owner.client.get(path(orgId, '/detector'));
    expect(counted.body.labelled).toEqual({ failure: 12, ok: 12, fromVerdicts: 0, fromPeople: 24 });

    // An operator may label but not train; the owner trains.
    expect((await operator.client.post(path(orgId, '/detector/train'))).status).toBe(403);
    const queued = await owner.client.post(path(orgId, '/detector/train'));
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({ state: 'queued' });

    const trained = await waitFor(
      async () => {
        const view = await owner.client.get(path(orgId, '/detector'));
        return view.body.training.state === 'idle' && view.body.heads.length === 1 ? view.body : undefined;
      },
      'the training to end with a head',
      60_000,
    );
    const [head] = trained.heads;
    expect(trained.training.progress).toBe(1);
    expect(head).toMatchObject({ version: 1, state: 'candidate', better: true, threshold: 0.5, activatedAt: null });
    expect(head.trainedOn.failure + head.heldOut.failure).toBe(12);
    expect(head.trainedOn.ok + head.heldOut.ok).toBe(12);
    expect(head.heldOut.failure).toBeGreaterThan(0);
    expect(head.heldOut.ok).toBeGreaterThan(0);
    // The default head has this farm backwards; the farm's own head gets its held-out frames right.
    expect(head.metrics.current).toEqual({ precision: 0, recall: 0, falseAlarmRate: 1 });
    expect(head.metrics.candidate).toEqual({ precision: 1, recall: 1, falseAlarmRate: 0 });

    // Cached embeddings: one row per labelled frame for this model.
    const [{ cached }] = await api.app
      .get(DataSource)
      .query('SELECT count(*)::int AS cached FROM detection_frame_embeddings WHERE org_id = $1', [orgId]);
    expect(cached).toBe(24);

    // Operators may not activate; the owner does.
    expect((await operator.client.post(path(orgId, `/detector/heads/${head.id}/activate`))).status).toBe(403);
    const activated = await owner.client.post(path(orgId, `/detector/heads/${head.id}/activate`));
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ id: head.id, state: 'active', activatedBy: expect.any(String) });
    expect((await owner.client.get(path(orgId, '/detector'))).body.activeHeadId).toBe(head.id);

    // This farm's green frame is now a failure; the other farm's identical frame is still scored by the default head.
    expect(await scored(orgId, printerA.id, green)).toBeGreaterThan(0.5);
    expect(await scored(other.orgId, other.printerA.id, green)).toBeLessThan(0.1);

    // An active head is no candidate; rollback returns to the shipped default head, once.
    const again = await owner.client.post(path(orgId, `/detector/heads/${head.id}/activate`));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('head_not_candidate');
    const rolledBack = await owner.client.post(path(orgId, '/detector/rollback'));
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toEqual({ activeHeadId: null });
    const nothing = await owner.client.post(path(orgId, '/detector/rollback'));
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('nothing_to_roll_back');
    const after = await owner.client.get(path(orgId, '/detector'));
    expect(after.body.activeHeadId).toBeNull();
    expect(after.body.heads[0].state).toBe('retired');

    // Every label, activation and rollback is in the audit log.
    const actions: { action: string }[] = await api.app
      .get(DataSource)
      .query('SELECT action FROM audit_entries WHERE org_id = $1', [orgId]);
    const names = actions.map((row) => row.action);
    expect(names.filter((name) => name === 'detectionFrame.labelled')).toHaveLength(24);
    expect(names).toEqual(
      expect.arrayContaining(['detector.trainingRequested', 'detector.headActivated', 'detector.rolledBack']),
    );
  }, 180_000);

  it('refuses labels from the wrong organization, fleet or role, and bad or hostile labels', async () => {
    const { owner, viewer, fleetOperator, orgId, printerA, printerB } = team;
    const frameA = await storeFrame(orgId, printerA.id, red, 'print:neg-a');
    const frameB = await storeFrame(orgId, printerB.id, red, 'print:neg-b');
    const label = (client: typeof owner.client, printerId: string, frameId: string, body: unknown, org = orgId) =>
      client.put(path(org, `/printers/${printerId}/frames/${frameId}/label`), body);

    // The printer page learns the latest frame's id from the snapshot it already fetches.
    const latest = await fetch(`${api.url}${path(orgId, `/printers/${printerB.id}/frames/latest`)}`, {
      headers: { cookie: `fh_session=${owner.client.cookie('fh_session')}` },
    });
    expect(latest.status).toBe(200);
    expect(latest.headers.get('x-frame-id')).toBe(frameB);

    // A viewer never labels.
    const byViewer = await label(viewer.client, printerA.id, frameA, { label: 'ok' });
    expect(byViewer.status).toBe(403);
    // A fleet-limited operator labels in their fleet, and sees no frame of another fleet's printer.
    expect((await label(fleetOperator.client, printerA.id, frameA, { label: 'ok' })).status).toBe(200);
    const otherFleet = await label(fleetOperator.client, printerB.id, frameB, { label: 'ok' });
    expect(otherFleet.status).toBe(404);
    expect(otherFleet.body.error.code).toBe('frame_not_found');
    // Another organization's owner reaches nothing here; its own route does not find this farm's frame either.
    const outsider = await label(other.owner.client, printerA.id, frameA, { label: 'failure' });
    expect([403, 404]).toContain(outsider.status);
    const crossOrg = await label(other.owner.client, other.printerA.id, frameA, { label: 'failure' }, other.orgId);
    expect(crossOrg.status).toBe(404);
    expect(crossOrg.body.error.code).toBe('frame_not_found');
    // A frame named under the wrong printer is not found.
    const wrongPrinter = await label(owner.client, printerB.id, frameA, { label: 'ok' });
    expect(wrongPrinter.status).toBe(404);

    // Bad and hostile labels: 400 naming the field, nothing stored.
    for (const body of [
      { label: 'maybe' },
      { label: '<script>alert(1)</script>' },
      { label: 1 },
      {},
      { label: ['ok'] },
    ]) {
      const answer = await label(owner.client, printerA.id, frameA, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'invalid_label', field: 'label' });
    }
    const extra = await label(owner.client, printerA.id, frameA, { label: 'ok', orgId: other.orgId });
    expect(extra.status).toBe(400);
    expect(extra.body.error.field).toBe('orgId');

    // Null removes the label; the frame was kept past retention when it was labelled.
    const removed = await label(owner.client, printerA.id, frameA, { label: null });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ frameId: frameA, label: null, labelledBy: null, labelledAt: null });
    const [row] = await api.app
      .get(DataSource)
      .query(
        'SELECT kept, (SELECT count(*)::int FROM detection_frame_labels WHERE frame_id = $1) AS labels FROM detection_frames WHERE id = $1',
        [frameA],
      );
    expect(row).toEqual({ kept: true, labels: 0 });
  });

  it('refuses training twice at once, activating a rejected head, and the detector page to viewers', async () => {
    const { owner, viewer, operator, orgId } = team;
    expect((await viewer.client.get(path(orgId, '/detector'))).status).toBe(403);
    expect((await operator.client.get(path(orgId, '/detector'))).status).toBe(403);
    expect((await other.owner.client.get(path(orgId, '/detector'))).status).toBeGreaterThanOrEqual(403);

    const dataSource = api.app.get(DataSource);
    // A training under way (as the inference role marks it): a second one is refused.
    await dataSource.query(
      `UPDATE detector_states SET training_state = 'running', started_at = now() WHERE org_id = $1`,
      [orgId],
    );
    const busy = await owner.client.post(path(orgId, '/detector/train'));
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('training_in_progress');
    await dataSource.query(`UPDATE detector_states SET training_state = 'idle' WHERE org_id = $1`, [orgId]);

    // A head that did worse than the current one on the held-out frames cannot be activated.
    const [{ id }] = await dataSource.query(
      `INSERT INTO detector_heads (org_id, version, state, model_sha, head, threshold, metrics, counts, better)
       SELECT org_id, 99, 'rejected', model_sha, head, threshold, metrics, counts, false FROM detector_heads
        WHERE org_id = $1 ORDER BY version LIMIT 1
       RETURNING id`,
      [orgId],
    );
    const rejected = await owner.client.post(path(orgId, `/detector/heads/${id}/activate`));
    expect(rejected.status).toBe(409);
    expect(rejected.body.error.code).toBe('head_not_better');
    // Another organization's head is not found here.
    const foreign = await other.owner.client.post(path(other.orgId, `/detector/heads/${id}/activate`));
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('head_not_found');
  });
});

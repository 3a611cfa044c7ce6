import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_COOKIE } from '@farmhand/accounts';
import { createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { jpegBomb, jpegFrame } from '../detection/frame-images';

/**
 * Photos on a maintenance record: 1 to 5 per completion, JPEG/PNG/WebP in, a re-encoded JPEG without metadata
 * stored under DATA_DIR; who may add and see them; and what is refused (oversize, decompression bomb, wrong type,
 * a sixth photo) leaves nothing behind.
 */
describe('maintenance photos', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-maintenance-photos-'));
    api = await startApi({ DATA_DIR: dataDir });
    [team, other] = await Promise.all([createTeam(api, 'Photo Farm'), createTeam(api, 'Other Farm')]);
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const db = () => api.app.get(DataSource);
  const photosOf = (completionId: string, orgId = team.orgId) =>
    `/api/orgs/${orgId}/maintenance/completions/${completionId}/photos`;
  const stored = async () => {
    const root = join(dataDir, 'maintenance');
    const files: string[] = [];
    for (const org of await readdir(root).catch(() => []))
      for (const completion of await readdir(join(root, org)))
        for (const file of await readdir(join(root, org, completion))) files.push(file);
    return files;
  };
  const rows = async () => Number((await db().query(`SELECT count(*) FROM maintenance_photos`))[0].count);

  /** A completed task on `printerId` (team's printer A, fleet A, by default); its completion id. */
  async function completion(team_: Team = team, printerId = team_.printerA.id): Promise<string> {
    const task = await team_.admin.client.post(`/api/orgs/${team_.orgId}/maintenance/tasks`, {
      name: `Nozzle ${Math.random()}`,
      printerId,
      intervalKind: 'days',
      intervalValue: 30,
    });
    expect(task.status).toBe(201);
    const done = await team_.operator.client.post(
      `/api/orgs/${team_.orgId}/maintenance/tasks/${task.body.id}/complete`,
      { printerId, notes: 'swapped' },
    );
    expect(done.status).toBe(201);
    return done.body.id as string;
  }

  interface Answer {
    id: string;
    width: number;
    height: number;
    error: { code: string; field?: string };
  }

  function upload(client: HttpClient, path: string, bytes: Buffer, type = 'image/jpeg', headers = {}) {
    return fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { cookie: `${SESSION_COOKIE}=${client.cookie(SESSION_COOKIE)}`, 'content-type': type, ...headers },
      body: bytes,
    }).then(async (response) => ({
      status: response.status,
      body: (await response.json().catch(() => ({}))) as Answer,
    }));
  }

  it('an operator adds a photo; it is stored re-encoded without EXIF, listed in the history, and audited', async () => {
    const id = await completion();
    const withExif = await sharp(await jpegFrame(3000, 2000))
      .withExif({ IFD0: { Copyright: 'GPS 51.5N secret-location', Artist: 'someone' } })
      .jpeg()
      .toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    const added = await upload(team.operator.client, photosOf(id), withExif);
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: expect.any(String), width: 2048, height: 1365 });

    const history = await team.viewer.client.get(
      `/api/orgs/${team.orgId}/maintenance/printers/${team.printerA.id}/history`,
    );
    const record = history.body.items.find((item: { id: string }) => item.id === id);
    expect(record.photos).toEqual([{ id: added.body.id, width: 2048, height: 1365 }]);

    const photo = await fetch(`${api.url}${photosOf(id)}/${added.body.id}`, {
      headers: { cookie: `${SESSION_COOKIE}=${team.viewer.client.cookie(SESSION_COOKIE)}` },
    });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await photo.arrayBuffer());
    const metadata = await sharp(bytes).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 2048, height: 1365 });
    expect(metadata.exif).toBeUndefined();
    expect(bytes.includes(Buffer.from('secret-location'))).toBe(false);
    const [audit] = await db().query(
      `SELECT action FROM audit_entries WHERE org_id = $1 AND action = 'maintenance.photoAdded'`,
      [team.orgId],
    );
    expect(audit).toEqual({ action: 'maintenance.photoAdded' });
  });

  it('takes PNG and WebP, refuses a type that does not match the bytes, text, and garbage', async () => {
    const id = await completion();
    const frame = await jpegFrame(200, 100);
    const png = await sharp(frame).png().toBuffer();
    const webp = await sharp(frame).webp().toBuffer();
    expect((await upload(team.operator.client, photosOf(id), png, 'image/png')).status).toBe(201);
    expect((await upload(team.operator.client, photosOf(id), webp, 'image/webp')).status).toBe(201);
    const before = await rows();
    const mismatch = await upload(team.operator.client, photosOf(id), png, 'image/jpeg');
    expect(mismatch.body.error).toMatchObject({ code: 'photo_type_mismatch', field: 'photo' });
    const svg = await upload(team.operator.client, photosOf(id), Buffer.from('<svg/>'), 'image/svg+xml');
    expect(svg.status).toBe(415);
    const garbage = await upload(team.operator.client, photosOf(id), Buffer.from('\u0000not an image\ud800'));
    expect(garbage.body.error).toMatchObject({ code: 'photo_unreadable', field: 'photo' });
    expect(await rows()).toBe(before);
  });

  it('refuses an oversize photo and a decompression bomb, storing nothing', async () => {
    const id = await completion();
    const files = (await stored()).length;
    const before = await rows();
    const huge = await upload(team.operator.client, photosOf(id), Buffer.alloc(16 * 1024 * 1024, 0xff));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('photo_too_large');
    const bomb = await upload(team.operator.client, photosOf(id), await jpegBomb());
    expect(bomb.status).toBe(413);
    expect(bomb.body.error.code).toBe('photo_too_many_pixels');
    expect(await rows()).toBe(before);
    expect((await stored()).length).toBe(files);
  });

  it('takes at most five photos per maintenance record', async () => {
    const id = await completion();
    const frame = await jpegFrame(64, 64);
    for (let index = 0; index < 5; index++)
      expect((await upload(team.operator.client, photosOf(id), frame)).status).toBe(201);
    const sixth = await upload(team.operator.client, photosOf(id), frame);
    expect(sixth.status).toBe(409);
    expect(sixth.body.error.code).toBe('maintenance_photo_limit');
  });

  it('viewer cannot add a photo; fleet-limited operator cannot on another fleet’s printer', async () => {
    const id = await completion();
    const frame = await jpegFrame(64, 64);
    expect((await upload(team.viewer.client, photosOf(id), frame)).status).toBe(403);
    const inFleetB = await completion(team, team.printerB.id);
    const refused = await upload(team.fleetOperator.client, photosOf(inFleetB), frame);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('maintenance_completion_not_found');
    expect((await upload(team.fleetOperator.client, photosOf(id), frame)).status).toBe(201);
  });

  it('another organization’s maintenance record and photos do not exist for the caller', async () => {
    const theirs = await completion(other);
    const frame = await jpegFrame(64, 64);
    const added = await upload(other.operator.client, photosOf(theirs, other.orgId), frame);
    expect(added.status).toBe(201);
    const before = await rows();
    const intoTheirs = await upload(team.owner.client, photosOf(theirs), frame);
    expect(intoTheirs.body.error.code).toBe('maintenance_completion_not_found');
    expect((await upload(team.owner.client, photosOf(theirs, other.orgId), frame)).status).toBe(404);
    const read = await team.owner.client.get(`${photosOf(theirs)}/${added.body.id}`);
    expect(read.body.error.code).toBe('maintenance_photo_not_found');
    expect((await team.owner.client.get(`${photosOf('not-a-uuid')}/${added.body.id}`)).status).toBe(400);
    expect(await rows()).toBe(before);
  });
});

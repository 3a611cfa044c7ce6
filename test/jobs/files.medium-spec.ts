import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTeam, insertPrinter, type Team, makeGcode, uploadMultipart, uploadRaw } from '@farmhand/factories';
import { FilesService } from '@farmhand/files';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { prusaSlicerMk4s } from '../fixtures/gcode/slicer-samples';
import { solidPng } from '../fixtures/gcode/images';

const LIMIT = 64 * 1024;

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('G-code library', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-files-'));
    api = await startApi({ DATA_DIR: dataDir, GCODE_MAX_UPLOAD_BYTES: String(LIMIT) });
    team = await createTeam(api);
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams a PrusaSlicer upload, parses its metadata and serves its thumbnails', async () => {
    const sample = prusaSlicerMk4s();
    const response = await uploadRaw(team.operator.client, team.orgId, sample.text, 'mk4s-part.gcode');
    expect(response.status).toBe(201);
    const { file, duplicate } = response.body;
    expect(duplicate).toBe(false);
    expect(file).toMatchObject({
      name: 'mk4s-part.gcode',
      sha256: createHash('sha256').update(sample.text).digest('hex'),
      sizeBytes: Buffer.byteLength(sample.text),
      metadata: { slicer: 'PrusaSlicer', material: 'PETG', nozzleDiameterMm: 0.4 },
    });
    expect(file.thumbnails.map((thumbnail: { format: string }) => thumbnail.format)).toEqual(['qoi', 'png']);

    const png = await fetch(`${api.url}/api/orgs/${team.orgId}/files/${file.id}/thumbnails/1`, {
      headers: { cookie: `fh_session=${team.viewer.client.cookie('fh_session')}` },
    });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer())).toEqual(solidPng(32, 32));

    const listed = await team.viewer.client.get(`/api/orgs/${team.orgId}/files`);
    expect(listed.body.files.map((listedFile: { id: string }) => listedFile.id)).toContain(file.id);
  });

  it('accepts a multipart upload, named by the part', async () => {
    const response = await uploadMultipart(team.operator.client, team.orgId, makeGcode(), 'from-form.gcode');
    expect(response.status).toBe(201);
    expect(response.body.file.name).toBe('from-form.gcode');
  });

  it('detects a duplicate: the same bytes answer the existing file', async () => {
    const content = makeGcode({ salt: 'duplicate' });
    const first = await uploadRaw(team.operator.client, team.orgId, content, 'first.gcode');
    const second = await uploadRaw(team.admin.client, team.orgId, content, 'second name.gcode');
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ duplicate: true, file: { id: first.body.file.id, name: 'first.gcode' } });
  });

  it('two concurrent uploads of the same bytes make one file', async () => {
    const content = makeGcode({ salt: 'race' });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, index) => uploadRaw(team.operator.client, team.orgId, content, `r${index}.gcode`)),
    );
    expect(results.map((result) => result.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(results.map((result) => result.body.file.id)).size).toBe(1);
  });

  it('refuses an upload over the limit, announced or streamed, and keeps nothing', async () => {
    const before = await filesUnder(dataDir);
    const big = makeGcode({ height: 400 });
    expect(Buffer.byteLength(big)).toBeGreaterThan(LIMIT);

    const announced = await uploadRaw(team.operator.client, team.orgId, big, 'big.gcode');
    expect(announced.status).toBe(413);
    expect(announced.body.error.code).toBe('file_too_large');

    const chunks = Buffer.from(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < chunks.length; offset += 8192)
          controller.enqueue(chunks.subarray(offset, offset + 8192));
        controller.close();
      },
    });
    const streamed = await uploadRaw(team.operator.client, team.orgId, stream, 'big.gcode');
    expect(streamed.status).toBe(413);
    expect(streamed.body.error).toMatchObject({ code: 'file_too_large', field: 'file' });
    expect(await filesUnder(dataDir)).toEqual(before);
  });

  it('refuses a file that is not G-code, with a message that says so', async () => {
    const image = await uploadRaw(team.operator.client, team.orgId, solidPng(8, 8), 'photo.gcode');
    expect(image.status).toBe(400);
    expect(image.body.error).toMatchObject({ code: 'not_gcode', field: 'file' });

    const model = await uploadRaw(team.operator.client, team.orgId, 'solid cube\nendsolid\n', 'cube.stl');
    expect(model.status).toBe(400);
    expect(model.body.error.code).toBe('invalid_file_name');
    expect(model.body.error.message).toMatch(/sliced/);

    const unnamed = await uploadRaw(team.operator.client, team.orgId, makeGcode(), undefined);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.field).toBe('fileName');

    const json = await team.operator.client.post(`/api/orgs/${team.orgId}/files`, { file: 'G28' });
    expect(json.status).toBe(400);
    expect(json.body.error.code).toBe('unsupported_upload_type');
  });

  it.each([
    ['../../../etc/cron.d/evil.gcode', 'evil.gcode'],
    ['..\\..\\windows\\system32\\boot.gcode', 'boot.gcode'],
    ['/absolute/path.gcode', 'path.gcode'],
    ['evil\u202eedocg.gcode', 'eviledocg.gcode'],
    ['tab\tand\nnewline.gcode', 'tabandnewline.gcode'],
  ])('rejects path traversal and control characters in the name %j (stored as %j)', async (name, stored) => {
    const response = await uploadRaw(team.operator.client, team.orgId, makeGcode(), name);
    expect(response.status).toBe(201);
    expect(response.body.file.name).toBe(stored);
    for (const path of await filesUnder(dataDir)) expect(path.startsWith(join(dataDir, 'gcode'))).toBe(true);
  });

  it('viewer cannot upload or delete; another organization cannot see the file', async () => {
    const upload = await uploadRaw(team.viewer.client, team.orgId, makeGcode(), 'v.gcode');
    expect(upload.status).toBe(403);
    const created = await uploadRaw(team.operator.client, team.orgId, makeGcode(), 'mine.gcode');
    const fileId = created.body.file.id;
    expect((await team.viewer.client.delete(`/api/orgs/${team.orgId}/files/${fileId}`)).status).toBe(403);

    const other = await createTeam(api, 'Other farm');
    expect((await other.owner.client.get(`/api/orgs/${team.orgId}/files/${fileId}`)).status).toBe(404);
    expect((await other.owner.client.get(`/api/orgs/${other.orgId}/files/${fileId}`)).status).toBe(404);

    expect((await team.operator.client.delete(`/api/orgs/${team.orgId}/files/${fileId}`)).status).toBe(204);
    expect((await team.operator.client.get(`/api/orgs/${team.orgId}/files/${fileId}`)).status).toBe(404);
    const log = await team.owner.client.get(`/api/orgs/${team.orgId}/audit?action=gcodeFile.`);
    expect(log.body.entries.map((entry: { action: string }) => entry.action)).toEqual(
      expect.arrayContaining(['gcodeFile.uploaded', 'gcodeFile.deleted']),
    );
  });

  it('deleting the last reference removes the bytes; a shared one keeps them', async () => {
    const other = await createTeam(api, 'Sharing farm');
    const content = makeGcode({ salt: 'shared' });
    const mine = await uploadRaw(team.operator.client, team.orgId, content, 'shared.gcode');
    const theirs = await uploadRaw(other.operator.client, other.orgId, content, 'shared.gcode');
    const sha = mine.body.file.sha256;
    const stored = join(dataDir, 'gcode', sha.slice(0, 2), sha);
    expect(await filesUnder(dataDir)).toContain(stored);
    await team.operator.client.delete(`/api/orgs/${team.orgId}/files/${mine.body.file.id}`);
    expect(await filesUnder(dataDir)).toContain(stored);
    await other.operator.client.delete(`/api/orgs/${other.orgId}/files/${theirs.body.file.id}`);
    expect(await filesUnder(dataDir)).not.toContain(stored);
  });

  describe('agent downloads (signed URLs)', () => {
    let sha256: string;
    let content: string;
    beforeAll(async () => {
      content = makeGcode({ salt: 'download' });
      sha256 = (await uploadRaw(team.operator.client, team.orgId, content, 'dl.gcode')).body.file.sha256;
    });
    const files = () => api.app.get(FilesService);
    const path = (url: string) => url.replace(api.config.PUBLIC_URL.replace(/\/$/, ''), api.url);

    it('serves the bytes to the printer the URL was signed for', async () => {
      const { url } = files().signedDownloadUrl(team.printerA.id, sha256);
      const response = await fetch(path(url));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(content);
    });

    it('rejects a forged or replayed-for-another-file signature', async () => {
      const { url } = files().signedDownloadUrl(team.printerA.id, sha256);
      const forged = new URL(path(url));
      forged.searchParams.set('signature', 'f'.repeat(64));
      expect((await fetch(forged)).status).toBe(403);
      const otherFile = new URL(path(url).replace(sha256, 'a'.repeat(64)));
      expect((await fetch(otherFile)).status).toBe(403);
      const noSignature = new URL(path(url));
      noSignature.searchParams.delete('signature');
      expect((await fetch(noSignature)).status).toBe(400);
    });

    it('rejects an expired URL', async () => {
      const { url } = files().signedDownloadUrl(team.printerA.id, sha256, Date.now() - 3600_000);
      expect((await fetch(path(url))).status).toBe(403);
    });

    it("a printer of another organization cannot fetch this organization's file", async () => {
      const other = await createTeam(api, 'Stranger farm');
      const stranger = await insertPrinter(api, other.orgId, other.fleetA);
      const { url } = files().signedDownloadUrl(stranger.id, sha256);
      expect((await fetch(path(url))).status).toBe(404);
    });
  });
});

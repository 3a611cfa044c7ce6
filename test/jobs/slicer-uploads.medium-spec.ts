import { randomBytes } from 'node:crypto';
import { createTeam, makeGcode, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';

interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * A multipart body as libcurl writes it (PrusaSlicer, OrcaSlicer and Bambu Studio upload through libcurl's mime
 * API): a dashed random boundary, `Content-Disposition: form-data; name="…"` for each field in the order the slicer
 * adds them, and the file last with its `filename` and `Content-Type: application/octet-stream`.
 */
function curlMultipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `------------------------${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename !== undefined ? 'Content-Type: application/octet-stream\r\n' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('slicers send straight to Farmhand (OctoPrint and Moonraker host types)', () => {
  let api: ApiHarness;
  let team: Team;
  let other: Team;
  let uploadKey: string;
  let fleetKey: string;
  let readOnlyKey: string;
  let otherOrgKey: string;
  let database: DataSource;

  async function createKey(owner: Team, scopes: string[], fleetIds: string[] | null = null): Promise<string> {
    const created = await owner.owner.client.post(`/api/orgs/${owner.orgId}/api-keys`, {
      name: `slicer ${scopes.join(' ')}`,
      scopes,
      fleetIds,
    });
    if (created.status !== 201) throw new Error(`key: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.key as string;
  }

  async function call(
    path: string,
    init: { method?: string; key?: string; headers?: Record<string, string> } & {
      body?: Buffer;
      contentType?: string;
    },
  ): Promise<Answer> {
    const response = await fetch(`${api.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.key !== undefined ? { 'X-Api-Key': init.key } : {}),
        ...(init.contentType ? { 'content-type': init.contentType } : {}),
        'user-agent': 'PrusaSlicer/2.8.1',
        ...init.headers,
      },
      body: init.body as RequestInit['body'],
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body };
  }

  /** PrusaSlicer's OctoPrint upload: `print`, `path`, then the `file` part. */
  function octoPrintUpload(key: string, filename: string, print: boolean, content = makeGcode()) {
    const form = curlMultipart([
      { name: 'print', value: print ? 'true' : 'false' },
      { name: 'path', value: '' },
      { name: 'file', value: Buffer.from(content), filename },
    ]);
    return call('/api/slicer/octoprint/api/files/local', {
      method: 'POST',
      key,
      ...form,
      contentType: form.contentType,
    });
  }

  /** OrcaSlicer's Moonraker upload: `root=gcodes`, `print=true` when printing, then the `file` part. */
  function moonrakerUpload(key: string, filename: string, print: boolean, root = 'gcodes') {
    const form = curlMultipart([
      { name: 'root', value: root },
      ...(print ? [{ name: 'print', value: 'true' }] : []),
      { name: 'file', value: Buffer.from(makeGcode()), filename },
    ]);
    return call('/api/slicer/moonraker/server/files/upload', {
      method: 'POST',
      key,
      ...form,
      contentType: form.contentType,
    });
  }

  const filesOf = (orgId: string) =>
    database.query<Array<{ id: string; name: string }>>(
      `SELECT id, name FROM gcode_files WHERE org_id = $1 ORDER BY created_at`,
      [orgId],
    );
  const jobsOf = (orgId: string) =>
    database.query<Array<{ id: string; file_id: string; copies: number; fleet_ids: string[] }>>(
      `SELECT id, file_id, copies, fleet_ids FROM print_jobs WHERE org_id = $1 ORDER BY created_at`,
      [orgId],
    );

  beforeAll(async () => {
    api = await startApi();
    database = api.app.get(DataSource);
    team = await createTeam(api, 'Slicer Farm');
    other = await createTeam(api, 'Other Farm');
    uploadKey = await createKey(team, ['upload:File']);
    fleetKey = await createKey(team, ['upload:File'], [team.fleetA]);
    readOnlyKey = await createKey(team, ['read:File', 'create:File', 'create:Job']);
    otherOrgKey = await createKey(other, ['upload:File']);
  });
  afterAll(() => api.close());

  it("PrusaSlicer's OctoPrint host type: the version test passes and the upload lands in the library, not the queue", async () => {
    const version = await call('/api/slicer/octoprint/api/version', { key: uploadKey });
    expect(version.status).toBe(200);
    expect(typeof version.body.api).toBe('string');
    expect(version.body.text).toMatch(/^OctoPrint /);

    const uploaded = await octoPrintUpload(uploadKey, 'benchy_0.2mm_PLA_MK4_1h.gcode', false);

    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      done: true,
      files: { local: { name: 'benchy_0.2mm_PLA_MK4_1h.gcode', origin: 'local' } },
      farmhand: { duplicate: false, jobId: null },
    });
    const fileId = uploaded.body.farmhand.fileId as string;
    expect(uploaded.headers.get('location')).toBe(`${api.config.PUBLIC_URL}/api/orgs/${team.orgId}/files/${fileId}`);
    const file = await team.owner.client.get(`/api/orgs/${team.orgId}/files/${fileId}`);
    expect(file.body).toMatchObject({ name: 'benchy_0.2mm_PLA_MK4_1h.gcode', metadata: { slicer: 'PrusaSlicer' } });
    expect((await jobsOf(team.orgId)).filter((job) => job.file_id === fileId)).toEqual([]);
  });

  it('print=true queues one copy that may print on every fleet, for a key without fleet limits', async () => {
    const uploaded = await octoPrintUpload(uploadKey, 'print-me.gcode', true);

    expect(uploaded.status).toBe(201);
    const jobId = uploaded.body.farmhand.jobId as string;
    const job = await team.owner.client.get(`/api/orgs/${team.orgId}/jobs/${jobId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      fileId: uploaded.body.farmhand.fileId,
      copies: 1,
      requirements: { fleetIds: [] },
    });
  });

  it("Cura's OctoPrint plugin form (select, print, then file) queues one copy; select is ignored", async () => {
    const form = curlMultipart([
      { name: 'select', value: 'true' },
      { name: 'print', value: 'true' },
      { name: 'file', value: Buffer.from(makeGcode()), filename: 'cura_part.gcode' },
    ]);
    const uploaded = await call('/api/slicer/octoprint/api/files/local', {
      method: 'POST',
      key: uploadKey,
      body: form.body,
      contentType: form.contentType,
      headers: { 'user-agent': 'Cura/5.8.0' },
    });

    expect(uploaded.status).toBe(201);
    const [job] = (await jobsOf(team.orgId)).filter((row) => row.id === uploaded.body.farmhand.jobId);
    expect(job).toMatchObject({ copies: 1, file_id: uploaded.body.farmhand.fileId });
  });

  it("a fleet-limited key's print goes to the queue of its own fleets only", async () => {
    const uploaded = await octoPrintUpload(fleetKey, 'fleet-a-part.gcode', true);

    expect(uploaded.status).toBe(201);
    const [job] = (await jobsOf(team.orgId)).filter((row) => row.id === uploaded.body.farmhand.jobId);
    expect(job!.fleet_ids).toEqual([team.fleetA]);
    // The fleet-A operator (limited to that fleet) reaches it.
    const fleetOperatorView = await team.fleetOperator.client.get(`/api/orgs/${team.orgId}/jobs/${job!.id}`);
    expect(fleetOperatorView.status).toBe(200);
  });

  it("OrcaSlicer's Moonraker host type: server/info, then the upload with root=gcodes and print=true", async () => {
    const info = await call('/api/slicer/moonraker/server/info', { key: uploadKey });
    expect(info.status).toBe(200);
    expect(typeof info.body.result.moonraker_version).toBe('string');

    const uploaded = await moonrakerUpload(uploadKey, 'orca_plate_1.gcode', true);

    expect(uploaded.status).toBe(201);
    expect(uploaded.body.result).toMatchObject({
      item: { path: 'orca_plate_1.gcode', root: 'gcodes' },
      print_started: false,
      print_queued: true,
      action: 'create_file',
    });
    const [job] = (await jobsOf(team.orgId)).filter((row) => row.id === uploaded.body.result.farmhand.jobId);
    expect(job).toMatchObject({ copies: 1, file_id: uploaded.body.result.farmhand.fileId });
  });

  it('a Moonraker upload to another root than gcodes is refused before anything is stored', async () => {
    const before = await filesOf(team.orgId);

    const refused = await moonrakerUpload(uploadKey, 'printer.cfg.gcode', false, 'config');

    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_root', field: 'root' });
    expect(await filesOf(team.orgId)).toEqual(before);
  });

  it('a wrong key, a revoked key and no key are refused (401) and store nothing', async () => {
    const before = await filesOf(team.orgId);
    const revoked = await createKey(team, ['upload:File']);
    const [{ id: revokedId }] = await database.query(`SELECT id FROM api_keys ORDER BY created_at DESC LIMIT 1`);
    expect((await team.owner.client.delete(`/api/orgs/${team.orgId}/api-keys/${revokedId}`)).status).toBe(204);
    const forged = `${uploadKey.slice(0, -4)}AAAA`;

    for (const key of [forged, revoked, 'B508534ED20348F090B4D0AD637D3660', undefined]) {
      const version = await call('/api/slicer/octoprint/api/version', { key });
      const upload = key ? await octoPrintUpload(key, 'nope.gcode', true) : version;
      const moonraker = await call('/api/slicer/moonraker/server/info', { key });
      expect([version.status, upload.status, moonraker.status]).toEqual([401, 401, 401]);
    }
    expect(await filesOf(team.orgId)).toEqual(before);
  });

  it('a key without the upload:File scope, and a signed-in session, are refused (403) and store nothing', async () => {
    const before = await filesOf(team.orgId);

    const version = await call('/api/slicer/octoprint/api/version', { key: readOnlyKey });
    const upload = await octoPrintUpload(readOnlyKey, 'nope.gcode', true);
    const moonraker = await moonrakerUpload(readOnlyKey, 'nope.gcode', true);
    const session = await team.owner.client.get('/api/slicer/octoprint/api/version');

    expect([version.status, upload.status, moonraker.status, session.status]).toEqual([403, 403, 403, 403]);
    expect(await filesOf(team.orgId)).toEqual(before);
  });

  it("another organization's key uploads into its own organization, never this one", async () => {
    const before = await filesOf(team.orgId);

    const uploaded = await octoPrintUpload(otherOrgKey, 'other-org.gcode', true);

    expect(uploaded.status).toBe(201);
    expect(await filesOf(team.orgId)).toEqual(before);
    expect((await filesOf(other.orgId)).map((file) => file.id)).toContain(uploaded.body.farmhand.fileId);
    expect((await jobsOf(other.orgId)).map((job) => job.id)).toContain(uploaded.body.farmhand.jobId);
    const fromHere = await team.owner.client.get(`/api/orgs/${team.orgId}/files/${uploaded.body.farmhand.fileId}`);
    expect(fromHere.status).toBe(404);
  });

  it('hostile file names are cut to a safe name or refused, never a path', async () => {
    const traversal = await octoPrintUpload(uploadKey, '../../../etc/cron.d/evil.gcode', false);
    const markup = await octoPrintUpload(uploadKey, '<img src=x onerror=alert(1)>.gcode', false);
    const bidi = await octoPrintUpload(uploadKey, 'evil\u202Eedocg.sh', false);
    const script = await moonrakerUpload(uploadKey, 'payload.sh', false);

    expect(traversal.status).toBe(201);
    expect(traversal.body.files.local.name).toBe('evil.gcode');
    expect(markup.status).toBe(201);
    expect(markup.body.files.local.name).not.toMatch(/[<>/]/);
    for (const refused of [bidi, script]) {
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'invalid_file_name', field: 'fileName' });
    }
  });

  it('a file that is not G-code is refused and nothing is queued', async () => {
    const jobsBefore = await jobsOf(team.orgId);

    const refused = await octoPrintUpload(
      uploadKey,
      'binary.gcode',
      true,
      '\u0000\u0001\u0002PK\u0003\u0004'.repeat(100),
    );

    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('not_gcode');
    expect(await jobsOf(team.orgId)).toEqual(jobsBefore);
  });
});

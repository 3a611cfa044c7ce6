import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStorage, FramesRepository } from '@farmhand/detection';
import { createTeam, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { jpegFrame } from './frame-images';

/** Reads an uncompressed tar: name -> bytes (checks each header's checksum on the way). */
function untar(archive: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, ''), 8);
    const stored = parseInt(
      header
        .subarray(148, 156)
        .toString('ascii')
        .replace(/[\0 ].*$/s, ''),
      8,
    );
    let sum = 0;
    header.forEach((byte, i) => (sum += i >= 148 && i < 156 ? 0x20 : byte));
    if (sum !== stored) throw new Error(`bad checksum for ${name}`);
    expect(header.subarray(257, 263).toString('ascii')).toBe('ustar\0');
    entries.set(name, archive.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

describe('dataset export', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-dataset-'));
    api = await startApi({ DATA_DIR: dataDir });
    team = await createTeam(api);
  });

  afterAll(async () => {
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const query = (sql: string, params: unknown[] = []): Promise<any[]> => api.app.get(DataSource).query(sql, params);

  async function frame(
    printerId: string,
    takenAt: Date,
    level: number,
    score: number | null,
    copyId: string | null = null,
  ) {
    const storage = api.app.get(FrameStorage);
    const id = randomUUID();
    const storagePath = storage.pathFor(team.orgId, printerId, id, takenAt);
    const image = await jpegFrame(48, 32, level);
    await storage.write(storagePath, image);
    await api.app.get(DataSource).transaction((manager) =>
      api.app.get(FramesRepository).insert(manager, {
        id,
        orgId: team.orgId,
        printerId,
        takenAt,
        bytes: image.length,
        width: 48,
        height: 32,
        storagePath,
        score,
        copyId,
      }),
    );
    return { id, image };
  }

  async function alert(printerId: string, frameId: string, at: Date, state: string) {
    await query(
      `INSERT INTO detection_alerts (org_id, printer_id, frame_id, level, state, score, created_at)
       VALUES ($1, $2, $3, 'warning', $4, 0.9, $5)`,
      [team.orgId, printerId, frameId, state, at],
    );
  }

  it('streams labelled frames as images plus labels.csv; unlabelled frames stay out', async () => {
    const base = Date.now() - 3600_000;
    const failing = await frame(team.printerA.id, new Date(base), 200, 0.97);
    const failingAfter = await frame(team.printerA.id, new Date(base + 30_000), 201, 0.99);
    await alert(team.printerA.id, failing.id, new Date(base + 1_000), 'confirmed');
    const wrong = await frame(team.printerB.id, new Date(base + 60_000), 90, 0.8);
    await alert(team.printerB.id, wrong.id, new Date(base + 61_000), 'false_alarm');
    const unlabelled = await frame(team.printerA.id, new Date(base + 20 * 60_000), 40, 0.05);
    const open = await frame(team.printerB.id, new Date(base + 30 * 60_000), 41, 0.9);
    await alert(team.printerB.id, open.id, new Date(base + 30 * 60_000), 'open');

    const response = await fetch(
      `${api.url}/api/orgs/${team.orgId}/detection/dataset?from=${new Date(base - 60_000).toISOString()}`,
      { headers: { cookie: `fh_session=${team.admin.client.cookie('fh_session')}` } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-tar');
    const entries = untar(Buffer.from(await response.arrayBuffer()));
    expect([...entries.keys()].sort()).toEqual(
      [
        `images/${failing.id}.jpg`,
        `images/${failingAfter.id}.jpg`,
        `images/${wrong.id}.jpg`,
        'labels.csv',
        'manifest.json',
      ].sort(),
    );
    expect(entries.get(`images/${failing.id}.jpg`)).toEqual(failing.image);
    const csv = entries.get('labels.csv')!.toString('utf8').trim().split('\n');
    expect(csv[0]).toBe('frame_id,printer_id,copy_id,taken_at,score,label,source');
    expect(csv.slice(1)).toEqual([
      `${failing.id},${team.printerA.id},,${new Date(base).toISOString()},0.97,failure,alert_confirmed`,
      `${failingAfter.id},${team.printerA.id},,${new Date(base + 30_000).toISOString()},0.99,failure,alert_confirmed`,
      `${wrong.id},${team.printerB.id},,${new Date(base + 60_000).toISOString()},0.8,ok,false_alarm`,
    ]);
    expect(JSON.parse(entries.get('manifest.json')!.toString())).toMatchObject({ frames: 3, truncated: false });
    expect(csv.join('\n')).not.toContain(unlabelled.id);
    const audit = await query(`SELECT actor_type FROM audit_entries WHERE action = 'detection.datasetExported'`);
    expect(audit).toEqual([{ actor_type: 'user' }]);
  });

  /** A finished copy of a print job on `printerId` whose bed-clear outcome is `outcome` (as jobs records it). */
  async function finishedCopy(printerId: string, outcome: 'good' | 'bad'): Promise<string> {
    const [file] = await query(
      `INSERT INTO gcode_files (org_id, name, sha256, size_bytes, metadata) VALUES ($1, 'part.gcode', $2, 10, '{}')
       RETURNING id`,
      [team.orgId, randomUUID().replace(/-/g, '').padEnd(64, '0')],
    );
    const [job] = await query(
      `INSERT INTO print_jobs (org_id, file_id, name, copies, position) VALUES ($1, $2, 'part', 1, 1) RETURNING id`,
      [team.orgId, file.id],
    );
    const [copy] = await query(
      `INSERT INTO print_copies (org_id, job_id, number, state, printer_id, attempt, outcome)
       VALUES ($1, $2, 1, 'done', $3, 1, $4) RETURNING id`,
      [team.orgId, job.id, printerId, outcome],
    );
    await query(
      `INSERT INTO print_attempts (org_id, copy_id, job_id, printer_id, attempt, state, assigned_at, outcome)
       VALUES ($1, $2, $3, $4, 1, 'done', now(), $5)`,
      [team.orgId, copy.id, job.id, printerId, outcome],
    );
    return copy.id;
  }

  it('labels the frames of a print a person marked good as ok; a bad outcome alone labels nothing', async () => {
    const base = Date.now() - 2 * 24 * 3600_000;
    const goodCopy = await finishedCopy(team.printerA.id, 'good');
    const badCopy = await finishedCopy(team.printerA.id, 'bad');
    const good = await frame(team.printerA.id, new Date(base), 100, 0.1, goodCopy);
    const bad = await frame(team.printerA.id, new Date(base + 1_000), 100, 0.2, badCopy);
    const response = await fetch(
      `${api.url}/api/orgs/${team.orgId}/detection/dataset?from=${new Date(base - 1_000).toISOString()}&to=${new Date(base + 10_000).toISOString()}`,
      { headers: { cookie: `fh_session=${team.owner.client.cookie('fh_session')}` } },
    );
    expect(response.status).toBe(200);
    const entries = untar(Buffer.from(await response.arrayBuffer()));
    const csv = entries.get('labels.csv')!.toString('utf8').trim().split('\n');
    expect(csv.slice(1)).toEqual([
      `${good.id},${team.printerA.id},${goodCopy},${new Date(base).toISOString()},0.1,ok,print_outcome`,
    ]);
    expect(entries.has(`images/${bad.id}.jpg`)).toBe(false);
  });

  it("includes frames people labelled, source person, and a person's label beats an alert's verdict", async () => {
    const base = Date.now() - 3 * 24 * 3600_000;
    const alone = await frame(team.printerA.id, new Date(base), 100, 0.3);
    const overruled = await frame(team.printerA.id, new Date(base + 1_000), 100, 0.9);
    await alert(team.printerA.id, overruled.id, new Date(base + 1_000), 'confirmed');
    const label = (frameId: string, value: string) =>
      team.operator.client.put(`/api/orgs/${team.orgId}/printers/${team.printerA.id}/frames/${frameId}/label`, {
        label: value,
      });
    expect((await label(alone.id, 'failure')).status).toBe(200);
    expect((await label(overruled.id, 'ok')).status).toBe(200);
    const response = await fetch(
      `${api.url}/api/orgs/${team.orgId}/detection/dataset?from=${new Date(base - 1_000).toISOString()}&to=${new Date(base + 10_000).toISOString()}`,
      { headers: { cookie: `fh_session=${team.owner.client.cookie('fh_session')}` } },
    );
    expect(response.status).toBe(200);
    const entries = untar(Buffer.from(await response.arrayBuffer()));
    const csv = entries.get('labels.csv')!.toString('utf8').trim().split('\n');
    expect(csv.slice(1)).toEqual([
      `${alone.id},${team.printerA.id},,${new Date(base).toISOString()},0.3,failure,person`,
      `${overruled.id},${team.printerA.id},,${new Date(base + 1_000).toISOString()},0.9,ok,person`,
    ]);
    expect(entries.has(`images/${alone.id}.jpg`)).toBe(true);

    // The detector page counts the same labelled frames as the whole export (every test's frames so far).
    const all = await fetch(`${api.url}/api/orgs/${team.orgId}/detection/dataset`, {
      headers: { cookie: `fh_session=${team.owner.client.cookie('fh_session')}` },
    });
    const rows = untar(Buffer.from(await all.arrayBuffer()))
      .get('labels.csv')!
      .toString('utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const detector = await team.owner.client.get(`/api/orgs/${team.orgId}/detector`);
    expect(detector.status).toBe(200);
    expect(detector.body.labelled).toEqual({
      failure: rows.filter((row) => row[5] === 'failure').length,
      ok: rows.filter((row) => row[5] === 'ok').length,
      fromVerdicts: rows.filter((row) => row[6] !== 'person').length,
      fromPeople: rows.filter((row) => row[6] === 'person').length,
    });
    expect(detector.body.labelled.fromVerdicts).toBeGreaterThan(0);
  });

  it('operator (and a fleet-limited member) cannot export the dataset', async () => {
    for (const member of [team.operator, team.fleetOperator, team.viewer]) {
      const response = await member.client.get(`/api/orgs/${team.orgId}/detection/dataset`);
      expect(response.status).toBe(403);
    }
  });

  it('refuses a bad range naming the field', async () => {
    const response = await team.admin.client.get(`/api/orgs/${team.orgId}/detection/dataset?from=yesterday`);
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('from');
    const reversed = await team.admin.client.get(
      `/api/orgs/${team.orgId}/detection/dataset?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.code).toBe('invalid_range');
  });
});

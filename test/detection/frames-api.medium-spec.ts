import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { DashboardPublisher, LiveStateStore } from '@farmhand/dashboard';
import { createTeam, insertPrinter, issueAgentCredential, type Team } from '@farmhand/factories';
import { startApi, type ApiHarness } from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { jpegBomb, jpegFrame, postFrame, truncatedJpeg } from './frame-images';

const MAX_BYTES = 200_000;

describe('frames from agents', () => {
  let api: ApiHarness;
  let team: Team;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-frames-'));
    api = await startApi({ DATA_DIR: dataDir, FRAME_MAX_BYTES: String(MAX_BYTES) });
    team = await createTeam(api);
  });

  afterAll(async () => {
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A fresh printer and credential per test: frames are rate limited per printer. */
  async function newAgent(fleetId = team.fleetA) {
    const printer = await insertPrinter(api, team.orgId, fleetId);
    const credential = await issueAgentCredential(api, { id: printer.id, orgId: team.orgId });
    return { printer, credential };
  }

  const frameRows = (printerId: string) =>
    api.app
      .get(DataSource)
      .query(`SELECT id, printer_id, storage_path, bytes, width, height FROM detection_frames WHERE printer_id = $1`, [
        printerId,
      ]) as Promise<{ id: string; printer_id: string; storage_path: string; bytes: number; width: number }[]>;

  it('stores a JPEG, answers 202 at once, and serves it as the printer latest frame', async () => {
    const { printer, credential } = await newAgent();
    const jpeg = await jpegFrame(320, 240);
    const capturedAt = Date.now() - 1_000;
    const response = await postFrame(api.url, credential, jpeg, {
      headers: { 'x-farmhand-captured-at': String(capturedAt) },
    });
    expect(response.status).toBe(202);
    // Not printing: stored for the dashboard, not sent to inference.
    expect(response.body).toEqual({
      id: expect.any(String),
      takenAt: new Date(capturedAt).toISOString(),
      inference: 'skipped',
    });
    const [row] = await frameRows(printer.id);
    expect(row).toMatchObject({ id: response.body.id, bytes: jpeg.length, width: 320 });
    expect(await readFile(join(dataDir, 'frames', row!.storage_path))).toEqual(jpeg);

    const latest = await fetch(`${api.url}/api/orgs/${team.orgId}/printers/${printer.id}/frames/latest`, {
      headers: { cookie: `fh_session=${team.viewer.client.cookie('fh_session')}` },
    });
    expect(latest.status).toBe(200);
    expect(latest.headers.get('content-type')).toBe('image/jpeg');
    expect(latest.headers.get('x-frame-taken-at')).toBe(new Date(capturedAt).toISOString());
    // Which frame it is, so the printer page can label the snapshot it shows.
    expect(latest.headers.get('x-frame-id')).toBe(row!.id);
    expect(Buffer.from(await latest.arrayBuffer())).toEqual(jpeg);

    const byId = await fetch(`${api.url}/api/orgs/${team.orgId}/frames/${row!.id}`, {
      headers: { cookie: `fh_session=${team.operator.client.cookie('fh_session')}` },
    });
    expect(byId.status).toBe(200);
    expect(byId.headers.get('x-frame-id')).toBe(row!.id);
  });

  it('tells the dashboard when the printer latest frame was taken (snapshotAt)', async () => {
    const { printer, credential } = await newAgent();
    const capturedAt = Date.now() - 2_000;
    const response = await postFrame(api.url, credential, await jpegFrame(), {
      headers: { 'x-farmhand-captured-at': String(capturedAt) },
    });
    expect(response.status).toBe(202);
    await api.app.get(DashboardPublisher).drain();
    const live = await api.app.get(LiveStateStore).getMany(team.orgId, [printer.id]);
    expect(live.get(printer.id)?.snapshotAt).toBe(new Date(capturedAt).toISOString());
  });

  it('cuts off a chunked body (no declared length) that grows past the cap with 413 naming frame', async () => {
    const { printer, credential } = await newAgent();
    const url = new URL(`${api.url}/api/agent/frames`);
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            authorization: `Bearer ${credential}`,
            'content-type': 'image/jpeg',
            'transfer-encoding': 'chunked',
          },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        },
      );
      request.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0xff);
      let sent = 0;
      const pump = () => {
        while (sent < 4 * MAX_BYTES) {
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
        request.end();
      };
      pump();
    }).catch((error: Error) => ({ status: -1, body: error.message }));
    // The server answers 413 and closes; a client still writing may see the reset instead of the answer.
    if (result.status !== -1) {
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body).error).toMatchObject({ code: 'frame_too_large', field: 'frame' });
    }
    expect(await frameRows(printer.id)).toEqual([]);
    expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
  });

  it('hides frames of printers outside an operator fleets (404 frame_not_found / printer_not_found)', async () => {
    const { printer, credential } = await newAgent(team.fleetB);
    const stored = await postFrame(api.url, credential, await jpegFrame());
    expect(stored.status).toBe(202);
    const byId = await team.fleetOperator.client.get(`/api/orgs/${team.orgId}/frames/${stored.body.id}`);
    expect(byId.status).toBe(404);
    expect(byId.body.error.code).toBe('frame_not_found');
    const latest = await team.fleetOperator.client.get(`/api/orgs/${team.orgId}/printers/${printer.id}/frames/latest`);
    expect(latest.status).toBe(404);
  });

  it('answers 404 frame_not_found for a printer without frames', async () => {
    const { printer } = await newAgent();
    const latest = await team.viewer.client.get(`/api/orgs/${team.orgId}/printers/${printer.id}/frames/latest`);
    expect(latest.status).toBe(404);
    expect(latest.body.error.code).toBe('frame_not_found');
  });

  it('rejects a frame for another printer: the printer comes from the credential, never the request', async () => {
    const { printer, credential } = await newAgent();
    const response = await postFrame(api.url, credential, await jpegFrame(), {
      query: `?printerId=${team.printerB.id}`,
      headers: { 'x-farmhand-printer-id': team.printerB.id },
    });
    expect(response.status).toBe(202);
    expect(await frameRows(team.printerB.id)).toEqual([]);
    expect(await frameRows(printer.id)).toHaveLength(1);
  });

  it('refuses a frame over the byte cap with 413 naming frame, before storing anything', async () => {
    const { printer, credential } = await newAgent();
    const response = await postFrame(api.url, credential, Buffer.alloc(MAX_BYTES + 1, 0xff));
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ code: 'frame_too_large', field: 'frame' });
    expect(await frameRows(printer.id)).toEqual([]);
  });

  it('refuses a decompression bomb (a 20000x20000 JPEG header) from its header alone', async () => {
    const { printer, credential } = await newAgent();
    const bomb = await jpegBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(5_000);
    const response = await postFrame(api.url, credential, bomb);
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ code: 'frame_too_many_pixels', field: 'frame' });
    expect(await frameRows(printer.id)).toEqual([]);
  });

  it('refuses a truncated JPEG with 400 naming frame', async () => {
    const { printer, credential } = await newAgent();
    const response = await postFrame(api.url, credential, await truncatedJpeg());
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'frame_truncated', field: 'frame' });
    expect(await frameRows(printer.id)).toEqual([]);
  });

  it('refuses a non-image named .jpg sent as image/jpeg, and a PNG, with 400 naming frame', async () => {
    const { credential } = await newAgent();
    const text = await postFrame(api.url, credential, '#!/bin/sh\necho not a picture\n', {
      headers: { 'content-disposition': 'attachment; filename="frame.jpg"' },
    });
    expect(text.status).toBe(400);
    expect(text.body.error).toMatchObject({ code: 'frame_not_jpeg', field: 'frame' });
    const other = await newAgent();
    const png = await postFrame(api.url, other.credential, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    expect(png.status).toBe(400);
    expect(png.body.error).toMatchObject({ code: 'frame_not_jpeg', field: 'frame' });
    const wrongType = await postFrame(api.url, other.credential, await jpegFrame(), { contentType: 'image/png' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.field).toBe('frame');
  });

  it('stays up after malicious frames', async () => {
    const health = await fetch(`${api.url}/api/health`);
    expect(health.status).toBe(200);
  });

  it('refuses frames faster than half the printer interval with 429 and Retry-After', async () => {
    const { credential } = await newAgent();
    expect((await postFrame(api.url, credential, await jpegFrame())).status).toBe(202);
    const second = await postFrame(api.url, credential, await jpegFrame());
    expect(second.status).toBe(429);
    expect(second.body.error).toMatchObject({ code: 'frame_rate_limited', field: 'frame' });
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rejects a wrong credential and a revoked one with 401', async () => {
    const { printer, credential } = await newAgent();
    const wrong = await postFrame(api.url, `${credential.slice(0, -4)}AAAA`, await jpegFrame());
    expect(wrong.status).toBe(401);
    const none = await postFrame(api.url, null, await jpegFrame());
    expect(none.status).toBe(401);
    const revoked = await team.owner.client.post(`/api/orgs/${team.orgId}/printers/${printer.id}/credentials/revoke`);
    expect(revoked.status).toBe(200);
    const after = await postFrame(api.url, credential, await jpegFrame());
    expect(after.status).toBe(401);
    expect(await frameRows(printer.id)).toEqual([]);
  });

  it('refuses a signed-in user (even the owner) on the agent route', async () => {
    const response = await fetch(`${api.url}/api/agent/frames`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', cookie: `fh_session=${team.owner.client.cookie('fh_session')}` },
      body: await jpegFrame(),
    });
    expect(response.status).toBe(403);
  });
});

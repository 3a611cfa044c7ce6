import type { IncomingMessage } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_COOKIE } from '@farmhand/accounts';
import { generateSampleEnrollmentCsv } from '@farmhand/enrollment';
import { createTeam, insertPrinter, issueAgentCredential, type Team, makeGcode } from '@farmhand/factories';
import {
  UPLOAD_ABORTS,
  abortedUpload,
  captureLogs,
  startApi,
  tableRowCounts,
  type ApiHarness,
  type CapturedLogs,
  type UploadAbort,
  waitFor,
} from '@farmhand/testing';
import { DataSource } from 'typeorm';
import { jpegFrame } from '../detection/frame-images';

interface UploadRoute {
  name: string;
  /** Path, headers and the first bytes of one attempt (a fresh printer for each frame: frames are spaced). */
  request(): Promise<{ path: string; headers: Record<string, string>; firstBytes: Buffer }>;
  /** Whether the route stages the body on disk (G-code files do). */
  stages: boolean;
  /** Bytes the client promises beyond the first ones (within the route's limit, or it is refused unread). */
  promised?: number;
}

/**
 * A client that walks away halfway through an upload (closes the connection, breaks the chunked framing, or sends
 * fewer bytes than its Content-Length) crashed the api with an unhandled 'error' event and left a `.part` file. Each
 * upload route is aborted each way while the server is reading the body; the api must still answer, the staging
 * folder must be empty at once, the abort logged at info, and not a row written.
 */
describe('a client that aborts an upload cannot crash the api', () => {
  let api: ApiHarness;
  let logs: CapturedLogs;
  let team: Team;
  let dataDir: string;
  let session: (client: Team['owner']['client']) => string;
  let slicerKey: string;
  const requests: IncomingMessage[] = [];
  const staging = () => join(dataDir, 'gcode', '.staging');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-abort-'));
    logs = captureLogs('api-test');
    api = await startApi({ DATA_DIR: dataDir }, { logger: logs.logger });
    api.app.getHttpServer().on('request', (request: IncomingMessage) => requests.push(request));
    team = await createTeam(api);
    session = (client) => `${SESSION_COOKIE}=${client.cookie(SESSION_COOKIE)}`;
    const key = await team.owner.client.post(`/api/orgs/${team.orgId}/api-keys`, {
      name: 'slicer',
      scopes: ['upload:File'],
    });
    slicerKey = key.body.key;
  });
  afterAll(async () => {
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const gcode = Buffer.from(makeGcode({ height: 40 }));
  const routes: UploadRoute[] = [
    {
      name: 'G-code, raw body',
      stages: true,
      request: async () => ({
        path: `/api/orgs/${team.orgId}/files?name=part.gcode`,
        headers: { cookie: session(team.operator.client), 'content-type': 'application/octet-stream' },
        firstBytes: gcode,
      }),
    },
    {
      name: 'G-code, multipart',
      stages: true,
      request: async () => {
        const boundary = 'farmhand-abort-boundary';
        const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="part.gcode"\r\nContent-Type: application/octet-stream\r\n\r\n`;
        return {
          path: `/api/orgs/${team.orgId}/files`,
          headers: {
            cookie: session(team.operator.client),
            'content-type': `multipart/form-data; boundary=${boundary}`,
          },
          firstBytes: Buffer.concat([Buffer.from(head), gcode]),
        };
      },
    },
    ...(
      [
        ['slicer upload, OctoPrint host type', '/api/slicer/octoprint/api/files/local', 'print'],
        ['slicer upload, Moonraker host type', '/api/slicer/moonraker/server/files/upload', 'root'],
      ] as const
    ).map(([name, path, field]) => ({
      name,
      stages: true,
      request: async () => {
        const boundary = '------------------------farmhandslicerabort';
        const value = field === 'root' ? 'gcodes' : 'true';
        const head =
          `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="part.gcode"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n';
        return {
          path,
          headers: { 'x-api-key': slicerKey, 'content-type': `multipart/form-data; boundary=${boundary}` },
          firstBytes: Buffer.concat([Buffer.from(head), gcode]),
        };
      },
    })),
    {
      name: 'enrollment CSV commit',
      stages: false,
      request: async () => ({
        path: `/api/orgs/${team.orgId}/enrollment/imports?mode=commit`,
        headers: { cookie: session(team.admin.client), 'content-type': 'text/csv' },
        firstBytes: Buffer.from(generateSampleEnrollmentCsv(200, { fleets: ['Fleet A'] })),
      }),
    },
    {
      name: 'webcam frame',
      stages: false,
      request: async () => {
        const printer = await insertPrinter(api, team.orgId, team.fleetA);
        const credential = await issueAgentCredential(api, printer);
        return {
          path: '/api/agent/frames',
          headers: { authorization: `Bearer ${credential}`, 'content-type': 'image/jpeg' },
          firstBytes: (await jpegFrame(640, 480)).subarray(0, 2000),
        };
      },
    },
    {
      name: 'maintenance photo',
      stages: false,
      request: async () => {
        const task = await team.admin.client.post(`/api/orgs/${team.orgId}/maintenance/tasks`, {
          name: `Abort ${Math.random()}`,
          printerId: team.printerA.id,
          intervalKind: 'days',
          intervalValue: 30,
        });
        const done = await team.operator.client.post(
          `/api/orgs/${team.orgId}/maintenance/tasks/${task.body.id}/complete`,
          { printerId: team.printerA.id },
        );
        return {
          path: `/api/orgs/${team.orgId}/maintenance/completions/${done.body.id}/photos`,
          headers: { cookie: session(team.operator.client), 'content-type': 'image/jpeg' },
          firstBytes: (await jpegFrame(640, 480)).subarray(0, 2000),
        };
      },
    },
    {
      name: 'JSON body (sign-in)',
      stages: false,
      promised: 100,
      request: async () => ({
        path: '/api/auth/sign-in',
        headers: { 'content-type': 'application/json' },
        firstBytes: Buffer.from(`{"email":"${team.owner.email}","password":"`),
      }),
    },
  ];

  const cases = routes.flatMap((route) => UPLOAD_ABORTS.map((how) => [route.name, how, route] as const));

  it.each(cases)('%s, aborted by %s', async (_name, how: UploadAbort, route) => {
    const { path, headers, firstBytes } = await route.request();
    const before = await tableRowCounts(api.app.get(DataSource));
    const abortsLogged = logs.find('client aborted the request').length;
    const seen = requests.length;

    await abortedUpload({
      baseUrl: api.url,
      path,
      headers,
      firstBytes,
      declaredBytes: firstBytes.length + (route.promised ?? 5_000_000),
      how,
      // Abort only once the server is reading the body (and, for G-code, writing it to a staging file).
      beforeAbort: async () => {
        await waitFor(async () => {
          const request = requests.slice(seen).find((candidate) => candidate.url === path);
          return request && request.listenerCount('data') + request.listenerCount('readable') > 0;
        }, 'the server reading the body');
        if (route.stages) await waitFor(async () => (await readdir(staging())).length > 0, 'a staging file');
      },
    });

    await waitFor(
      async () => logs.find('client aborted the request').length > abortsLogged,
      'the abort logged at info',
    );
    const logged = logs.find('client aborted the request').at(-1)!;
    expect(logged).toMatchObject({ level: 30, path: path.split('?')[0] });
    const live = await fetch(`${api.url}/api/health/live`);
    expect(live.status).toBe(200);
    await waitFor(
      async () => (await readdir(staging()).catch(() => [])).length === 0,
      'an empty staging folder',
      5_000,
    );
    expect(await tableRowCounts(api.app.get(DataSource))).toEqual(before);
  });

  it('still takes a whole upload afterwards, and the staging folder stays empty', async () => {
    const response = await fetch(`${api.url}/api/orgs/${team.orgId}/files?name=after.gcode`, {
      method: 'POST',
      headers: { cookie: session(team.operator.client), 'content-type': 'application/octet-stream' },
      body: gcode,
    });
    expect(response.status).toBe(201);
    expect(await readdir(staging())).toEqual([]);
  });
});

import { createECDH, createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DetectionAlert } from '@farmhand/detection';
import {
  createFleet,
  insertPrinter,
  signUpUser,
  TEST_PASSWORD,
  uniqueEmail,
  sessionHeaders,
} from '@farmhand/factories';
import { FilesService } from '@farmhand/files';
import { SignedLinks } from '@farmhand/notifications';
import { SoftwareAuthenticator, startApi, type ApiHarness, type HttpClient, type HttpResult } from '@farmhand/testing';
import { generate } from 'otplib';
import { generateVAPIDKeys } from 'web-push';
import { DataSource } from 'typeorm';
import { jpegFrame } from '../detection/frame-images';
import { AGENT, rewindPolls, startPairing } from '../enrollment/enrollment-test-helpers';
import { prusaSlicerMk4s } from '../fixtures/gcode/slicer-samples';
import { OpenApiConformance, type OpenApiDocument } from '../support/openapi-conformance';

const COMMITTED = join(__dirname, '../../apps/web/src/lib/api/openapi.json');
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

type Schema = Record<string, any>;

/** Every operation of the document, as `METHOD /path`. */
function operationsOf(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** What a route's contract lacks: a success schema, error responses, a request body that says what it takes. */
function contractGaps(document: OpenApiDocument & { components: { schemas: Record<string, Schema> } }): string[] {
  const resolve = (schema: Schema): Schema =>
    schema.$ref ? resolve(document.components.schemas[schema.$ref.split('/').pop()!]!) : schema;
  const empty = (input: Schema): boolean => {
    const schema = resolve(input);
    if (schema.allOf || schema.oneOf || schema.enum) return false;
    if (schema.type === 'array') return empty(schema.items ?? {});
    if (schema.type === 'object' || schema.properties) {
      const properties = Object.values(schema.properties ?? {}) as Schema[];
      return (!properties.length && !schema.additionalProperties) || properties.some(empty);
    }
    return !schema.type;
  };
  const gaps: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, any>)) {
      const route = `${method.toUpperCase()} ${path}`;
      const responses = Object.entries(operation.responses as Record<string, any>);
      // A redirect is the success of a browser navigation (single sign-on's start and callback); it has no body.
      const successes = responses.filter(([status]) => /^[23]/.test(status));
      if (!successes.length) gaps.push(`${route}: no success response`);
      for (const [status, response] of successes) {
        if (status === '204' || status.startsWith('3')) continue;
        const contents = Object.values(response.content ?? {}) as Array<{ schema?: Schema }>;
        if (!contents.length || contents.some((content) => !content.schema || empty(content.schema)))
          gaps.push(`${route}: ${status} has no response schema`);
      }
      if (!responses.some(([status]) => /^[45]/.test(status))) gaps.push(`${route}: no error response declared`);
      for (const [media, content] of Object.entries(operation.requestBody?.content ?? {}) as Array<[string, any]>)
        if (!content.schema || empty(content.schema)) gaps.push(`${route}: empty request schema (${media})`);
      for (const parameter of operation.parameters ?? [])
        if (!parameter.schema || empty(parameter.schema)) gaps.push(`${route}: parameter ${parameter.name} untyped`);
    }
  }
  return [...new Set(gaps)];
}

/**
 * The OpenAPI document is the contract the dashboard's types are generated from: complete, committed, and true to
 * what the api answers.
 */
describe('the API contract', () => {
  let api: ApiHarness;
  let dataDir: string;
  let document: OpenApiDocument & { components: { schemas: Record<string, Schema> } };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-contract-'));
    const vapid = generateVAPIDKeys();
    api = await startApi({ DATA_DIR: dataDir, VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey });
    document = (await api.client().get('/api/openapi.json')).body;
  });
  afterAll(async () => {
    await api?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('declares for every operation a success schema, its error responses and typed request and parameters', () => {
    expect(operationsOf(document).length).toBeGreaterThan(90);
    expect(contractGaps(document)).toEqual([]);
  });

  it('lists the shared error shape and, per operation, the codes it answers', () => {
    expect(document.components.schemas.ErrorResponseDto).toBeDefined();
    const jobDetail = document.paths['/api/orgs/{orgId}/jobs/{jobId}']!.get!;
    const notFound =
      document.components.responses![(jobDetail.responses['404'] as { $ref: string }).$ref.split('/').pop()!]!;
    expect(JSON.stringify(notFound)).toContain('job_not_found');
    expect(JSON.stringify(notFound)).toContain('organization_not_found');
  });

  it('is the document `npm run openapi` committed for the dashboard (built without a database)', () => {
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8'));
    expect(document).toEqual(committed);
  });

  it('answers every operation as the document says, codes of errors included', async () => {
    const contract = new OpenApiConformance(document);
    const problems: string[] = [];
    const exercised = new Set<string>();
    const record = (method: string, path: string, result: HttpResult) => {
      const found = contract.operation(method, path);
      if (found) exercised.add(`${method} ${found.template}`);
      const type = result.headers.get('content-type');
      problems.push(...contract.problems(method, path, result.status, type, result.body));
      return result;
    };
    /** A client whose every answer is checked against the document. */
    const checked = (client: HttpClient): HttpClient => {
      const request = client.request.bind(client);
      client.request = (async (method: string, path: string, body?: unknown, init?: object) =>
        record(method, path, await request(method, path, body, init))) as HttpClient['request'];
      return client;
    };
    /** What HttpClient does not do: send raw bytes or CSV, receive bytes (G-code, JPEG, tar). */
    const raw = async (
      client: HttpClient,
      method: string,
      path: string,
      upload?: { body: string | Buffer; type: string },
    ) => {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: { ...(upload ? { 'content-type': upload.type } : {}), ...sessionHeaders(client) },
        body: upload?.body,
      });
      const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
      const body = isJson ? await response.json() : Buffer.from(await response.arrayBuffer()).length;
      return record(method, path, { status: response.status, body, headers: response.headers });
    };
    const expectStatus = (result: HttpResult, status: number) => {
      if (result.status !== status)
        throw new Error(`expected ${status}, got ${result.status} ${JSON.stringify(result.body)}`);
      return result.body;
    };

    // Accounts: sign-up, sessions, organizations, members, invitations, fleets, API keys.
    const owner = checked(api.client());
    const email = uniqueEmail('owner');
    expectStatus(
      await owner.post('/api/auth/sign-up', {
        email,
        password: TEST_PASSWORD,
        displayName: 'Owner',
        organizationName: 'Contract Farm',
      }),
      202,
    );
    expectStatus(await owner.post('/api/auth/sign-in', { email, password: TEST_PASSWORD }), 200);
    const orgId: string = expectStatus(await owner.get('/api/orgs'), 200)[0].id;
    const second = checked(api.client());
    expectStatus(await second.post('/api/auth/sign-in', { email, password: TEST_PASSWORD }), 200);
    await owner.get('/api/auth/me');
    const sessions = expectStatus(await owner.get('/api/auth/sessions'), 200);
    const other = sessions.find((session: { current: boolean }) => !session.current);
    expectStatus(await owner.delete(`/api/auth/sessions/${other.id}`), 204);
    const leaving = checked(api.client());
    expectStatus(await leaving.post('/api/auth/sign-in', { email, password: TEST_PASSWORD }), 200);
    expectStatus(await leaving.post('/api/auth/sign-out'), 204);
    expectStatus(await owner.get('/api/auth/profile'), 200);
    expectStatus(await owner.patch('/api/auth/profile', { displayName: 'Owner Renamed' }), 200);
    // The wrong current password: the contract's 400 (a right one would end the sessions this scenario still uses).
    expectStatus(
      await owner.post('/api/auth/password', { currentPassword: 'not the password', newPassword: 'x'.repeat(12) }),
      400,
    );

    await owner.get('/api/orgs');
    const spareOrg = expectStatus(await owner.post('/api/orgs', { name: 'Spare' }), 201);
    await owner.get(`/api/orgs/${orgId}`);
    await owner.patch(`/api/orgs/${orgId}`, { name: 'Contract Farm 2' });
    expectStatus(await owner.delete(`/api/orgs/${spareOrg.id}`), 204);

    const fleet = expectStatus(await owner.post(`/api/orgs/${orgId}/fleets`, { name: 'North' }), 201);
    const spareFleet = await createFleet(owner, orgId, 'Spare');
    await owner.get(`/api/orgs/${orgId}/fleets`);
    await owner.get(`/api/orgs/${orgId}/fleets/${fleet.id}`);
    const defaults = `/api/orgs/${orgId}/printer-defaults`;
    expectStatus(await owner.request('PUT', defaults, { autoPause: true }), 200);
    expectStatus(await owner.request('PUT', `${defaults}/fleets/${fleet.id}`, { material: 'PETG' }), 200);
    expectStatus(await owner.get(defaults), 200);
    await owner.patch(`/api/orgs/${orgId}/fleets/${fleet.id}`, { description: 'the north wall' });
    expectStatus(await owner.delete(`/api/orgs/${orgId}/fleets/${spareFleet}`), 204);

    const invited = expectStatus(
      await owner.post(`/api/orgs/${orgId}/invitations`, {
        email: uniqueEmail('admin'),
        role: 'admin',
        fleetIds: null,
      }),
      201,
    );
    await owner.get(`/api/orgs/${orgId}/invitations`);
    const guest = checked(api.client());
    await guest.get(`/api/invitations/${invited.token}`);
    const admin = await signUpUser(api, { email: invited.invitation.email });
    const adminClient = checked(admin.client);
    const accepted = expectStatus(await adminClient.post('/api/invitations/accept', { token: invited.token }), 201);
    const revocable = expectStatus(
      await owner.post(`/api/orgs/${orgId}/invitations`, { email: uniqueEmail('gone'), role: 'viewer' }),
      201,
    );
    expectStatus(await owner.delete(`/api/orgs/${orgId}/invitations/${revocable.invitation.id}`), 204);
    const members = expectStatus(await owner.get(`/api/orgs/${orgId}/members`), 200);
    expect(members).toHaveLength(2);
    await owner.patch(`/api/orgs/${orgId}/members/${accepted.membershipId}`, { fleetIds: [fleet.id] });
    const viewerInvite = expectStatus(
      await owner.post(`/api/orgs/${orgId}/invitations`, { email: uniqueEmail('viewer'), role: 'viewer' }),
      201,
    );
    const viewer = await signUpUser(api, { email: viewerInvite.invitation.email });
    const viewerMembership = expectStatus(
      await viewer.client.post('/api/invitations/accept', { token: viewerInvite.token }),
      201,
    );
    expectStatus(
      await owner.post(`/api/orgs/${orgId}/members/${viewerMembership.membershipId}/password-reset-link`),
      201,
    );
    expectStatus(await owner.delete(`/api/orgs/${orgId}/members/${viewerMembership.membershipId}`), 204);
    expectStatus(await adminClient.post(`/api/orgs/${orgId}/leave`), 204);

    // Two-factor sign-in, sessions, the security log, password reset and email verification (issue 18).
    await owner.get(`/api/orgs/${orgId}/security`);
    expectStatus(await owner.request('PUT', `/api/orgs/${orgId}/security`, { requireTwoFactor: true }), 409);
    expectStatus(await owner.request('PUT', `/api/orgs/${orgId}/security`, { requireTwoFactor: false }), 200);
    await owner.get('/api/auth/security-log');
    await owner.get('/api/auth/two-factor');
    const secondFactorUser = await signUpUser(api);
    const secondFactor = checked(secondFactorUser.client);
    const enrolment = expectStatus(await secondFactor.post('/api/auth/two-factor/totp'), 200);
    expectStatus(
      await secondFactor.post('/api/auth/two-factor/totp/confirm', { code: '000000', password: TEST_PASSWORD }),
      400,
    );
    expectStatus(
      await secondFactor.post('/api/auth/two-factor/totp/confirm', {
        code: await generate({ secret: enrolment.secret, period: 30 }),
        password: TEST_PASSWORD,
      }),
      200,
    );
    const { recoveryCodes } = expectStatus(
      await secondFactor.post('/api/auth/two-factor/recovery-codes', { password: TEST_PASSWORD }),
      200,
    );
    const pending = checked(api.client());
    expectStatus(
      await pending.post('/api/auth/sign-in', { email: secondFactorUser.email, password: TEST_PASSWORD }),
      200,
    );
    expectStatus(await pending.post('/api/auth/sign-in/second-factor', { code: '000000' }), 401);
    expectStatus(await pending.post('/api/auth/sign-in/second-factor', { code: recoveryCodes[0] }), 200);
    expectStatus(
      await secondFactor.post('/api/auth/two-factor/disable', { password: TEST_PASSWORD, code: recoveryCodes[1] }),
      204,
    );
    // Passkeys (WebAuthn), with a software authenticator: register, second step, usernameless sign-in, removal.
    const publicUrl = new URL(api.config.PUBLIC_URL);
    const authenticator = new SoftwareAuthenticator(publicUrl.origin, publicUrl.hostname);
    const registration = expectStatus(await secondFactor.post('/api/auth/passkeys/registration-options'), 200);
    const { credential, response } = authenticator.create(registration);
    expectStatus(
      await secondFactor.post('/api/auth/passkeys', { name: 'x', password: 'wrong password 1', response }),
      400,
    );
    const passkey = expectStatus(
      await secondFactor.post('/api/auth/passkeys', { name: 'Laptop', password: TEST_PASSWORD, response }),
      201,
    );
    await secondFactor.get('/api/auth/passkeys');
    const pendingPasskey = checked(api.client());
    expectStatus(
      await pendingPasskey.post('/api/auth/sign-in', { email: secondFactorUser.email, password: TEST_PASSWORD }),
      200,
    );
    const secondStep = expectStatus(await pendingPasskey.post('/api/auth/sign-in/second-factor/passkey-options'), 200);
    expectStatus(
      await pendingPasskey.post('/api/auth/sign-in/second-factor/passkey', {
        response: authenticator.get(secondStep, credential),
      }),
      200,
    );
    const usernameless = checked(api.client());
    const signInOptions = expectStatus(await usernameless.post('/api/auth/sign-in/passkey/options'), 200);
    expectStatus(
      await usernameless.post('/api/auth/sign-in/passkey', { response: authenticator.get(signInOptions, credential) }),
      200,
    );
    expectStatus(await guest.post('/api/auth/sign-in/passkey', { response: {} }), 401);
    expectStatus(
      await secondFactor.request('DELETE', `/api/auth/passkeys/${passkey.id}`, { password: TEST_PASSWORD }),
      204,
    );
    expectStatus(await secondFactor.delete('/api/auth/sessions'), 200);
    expectStatus(await secondFactor.post('/api/auth/verify-email/resend'), 200);
    expectStatus(await guest.post('/api/auth/verify-email', { token: 'fh_verify_nope' }), 400);
    expectStatus(await guest.post('/api/auth/password-reset/request', { email: secondFactorUser.email }), 202);
    expectStatus(
      await guest.post('/api/auth/password-reset', { token: 'fh_reset_nope', newPassword: 'quartz heron saddle 61' }),
      400,
    );

    const key = expectStatus(
      await owner.post(`/api/orgs/${orgId}/api-keys`, { name: 'ci', scopes: ['read:Printer'], fleetIds: null }),
      201,
    );
    await owner.get(`/api/orgs/${orgId}/api-keys`);
    expectStatus(await owner.delete(`/api/orgs/${orgId}/api-keys/${key.apiKey.id}`), 204);

    // Printers, their credentials and the control path (no agent is connected: 409 printer_offline).
    const printer = await insertPrinter(api, orgId, fleet.id, { name: 'P1' });
    const spare = await insertPrinter(api, orgId, fleet.id, { name: 'P2' });
    await owner.get(`/api/orgs/${orgId}/printers`);
    await owner.get(`/api/orgs/${orgId}/printers/${printer.id}`);
    await owner.patch(`/api/orgs/${orgId}/printers/${printer.id}`, {
      material: 'PLA',
      detection: { sensitivity: 1.1, regionOfInterest: { x: 0.1, y: 0.1, width: 0.8, height: 0.8 } },
    });
    expectStatus(await owner.delete(`/api/orgs/${orgId}/printers/${spare.id}`), 204);
    const printerPath = `/api/orgs/${orgId}/printers/${printer.id}`;
    const rotated = expectStatus(await owner.post(`${printerPath}/credentials/rotate`), 201);
    await owner.get(`${printerPath}/credentials`);
    await owner.get(`${printerPath}/live`);
    await owner.get(`${printerPath}/temperatures`);
    for (const [action, body] of [
      ['pause', {}],
      ['resume', {}],
      ['cancel', {}],
      ['home', { axes: ['x'] }],
      ['jog', { x: 10 }],
      ['temperature', { tool: 200 }],
      ['gcode', { lines: ['M115'] }],
      ['connect', {}],
      ['disconnect', {}],
      ['emergency-stop', {}],
    ] as const) {
      expectStatus(await owner.post(`${printerPath}/actions/${action}`, body), 409);
    }

    // Detection: an agent's frame, the dashboard's view of it, alerts and the dataset.
    const agent = api.client();
    agent.bearer = rotated.credential;
    const frame = await jpegFrame();
    expectStatus(await raw(agent, 'POST', '/api/agent/frames', { body: frame, type: 'image/jpeg' }), 202);
    const latest = await raw(owner, 'GET', `${printerPath}/frames/latest`);
    expect(latest.status).toBe(200);
    const [stored] = await api.app
      .get(DataSource)
      .query('SELECT id FROM detection_frames WHERE printer_id = $1', [printer.id]);
    await raw(owner, 'GET', `/api/orgs/${orgId}/frames/${stored.id}`);
    const alerts = api.app.get(DataSource).getRepository(DetectionAlert);
    const raise = () => alerts.save(alerts.create({ orgId, printerId: printer.id, level: 'warning', score: 0.8 }));
    const [first, secondAlert, third] = [await raise(), await raise(), await raise()];
    await owner.get(`/api/orgs/${orgId}/alerts`);
    expectStatus(await owner.post(`/api/orgs/${orgId}/alerts/${first.id}/acknowledge`), 200);
    expectStatus(await owner.post(`/api/orgs/${orgId}/alerts/${secondAlert.id}/false-alarm`), 200);
    expectStatus(await owner.post(`/api/orgs/${orgId}/alerts/${third.id}/confirm`), 200);
    expectStatus(await owner.post(`/api/orgs/${orgId}/alerts/${first.id}/acknowledge`), 409);
    await raw(owner, 'GET', `/api/orgs/${orgId}/detection/dataset`);
    // The organization's own detector: a person's label on a frame, the detector page, training, heads, rollback.
    expectStatus(await owner.put(`${printerPath}/frames/${stored.id}/label`, { label: 'failure' }), 200);
    expectStatus(await owner.get(`${printerPath}/frames/${stored.id}/label`), 200);
    expectStatus(await owner.put(`${printerPath}/frames/${stored.id}/label`, { label: 'maybe' }), 400);
    expectStatus(await owner.get(`/api/orgs/${orgId}/detector`), 200);
    expectStatus(await owner.post(`/api/orgs/${orgId}/detector/train`), 409);
    expectStatus(await owner.post(`/api/orgs/${orgId}/detector/heads/${randomUUID()}/activate`), 404);
    expectStatus(await owner.post(`/api/orgs/${orgId}/detector/rollback`), 409);
    expectStatus(await owner.post(`${printerPath}/credentials/revoke`), 200);

    // Enrollment: pairing, tokens, redemption, the CSV import.
    const device = checked(api.client());
    const pairing = expectStatus(await device.post('/api/enrollment/pairings', { agent: AGENT }), 201);
    expectStatus(await device.post('/api/enrollment/pairings/poll', { deviceCode: pairing.deviceCode }), 428);
    expectStatus(
      await owner.post(`/api/orgs/${orgId}/enrollment/pairings/claim`, {
        userCode: pairing.userCode,
        name: 'Paired',
        fleetId: fleet.id,
      }),
      201,
    );
    await rewindPolls(api, 60);
    expectStatus(await device.post('/api/enrollment/pairings/poll', { deviceCode: pairing.deviceCode }), 200);
    const refused = await startPairing(device);
    expectStatus(await owner.post(`/api/orgs/${orgId}/enrollment/pairings/deny`, { userCode: refused.userCode }), 200);
    const token = expectStatus(
      await owner.post(`/api/orgs/${orgId}/enrollment/tokens`, { fleetId: fleet.id, model: 'MK4', tags: ['lab'] }),
      201,
    );
    await owner.get(`/api/orgs/${orgId}/enrollment/tokens?status=all`);
    expectStatus(await device.post('/api/enrollment/redeem', { token: token.token, agent: AGENT }), 200);
    const unused = expectStatus(await owner.post(`/api/orgs/${orgId}/enrollment/tokens`, { fleetId: fleet.id }), 201);
    expectStatus(await owner.delete(`/api/orgs/${orgId}/enrollment/tokens/${unused.id}`), 204);
    const header = 'name,fleet,model,serial,octoprint_url,tags,nozzle_diameter,build_x,build_y,build_z,material';
    const csvRow = (name: string) => `${name},North,MK4,SN-${name},,lab,0.4,250,210,220,PLA`;
    const csv = [header, csvRow('Csv-1'), csvRow('Csv-2'), ''].join('\n');
    const importId = '8f2c1d8e-4b7a-4f0e-9d61-2a6b3c4d5e6f';
    const imports = `/api/orgs/${orgId}/enrollment/imports`;
    const asCsv = (text: string) => ({ body: text, type: 'text/csv' });
    expectStatus(await raw(owner, 'POST', `${imports}?mode=dry-run&importId=${importId}`, asCsv(csv)), 200);
    await owner.get(`${imports}/${importId}`);
    expectStatus(await raw(owner, 'POST', `${imports}?mode=commit&format=json`, asCsv(csv)), 200);
    expectStatus(
      await raw(owner, 'POST', `${imports}?mode=commit`, asCsv([header, csvRow('Csv-3'), ''].join('\n'))),
      200,
    );

    // Files and the queue.
    const files = `/api/orgs/${orgId}/files`;
    const sample = prusaSlicerMk4s();
    const gcode = (text: string) => ({ body: text, type: 'application/octet-stream' });
    const uploaded = expectStatus(await raw(owner, 'POST', `${files}?name=${sample.name}`, gcode(sample.text)), 201);
    expectStatus(await raw(owner, 'POST', `${files}?name=again.gcode`, gcode(sample.text)), 200);
    const fileId: string = uploaded.file.id;
    await owner.get(files);
    await owner.get(`${files}/${fileId}`);
    expect((await raw(owner, 'GET', `${files}/${fileId}/content`)).status).toBe(200);
    expect((await raw(owner, 'GET', `${files}/${fileId}/thumbnails/0`)).status).toBe(200);
    const signed = api.app.get(FilesService).signedDownloadUrl(printer.id, uploaded.file.sha256);
    const download = new URL(signed.url);
    expect((await raw(guest, 'GET', `${download.pathname}${download.search}`)).status).toBe(200);
    const jobs = `/api/orgs/${orgId}/jobs`;
    const job = expectStatus(await owner.post(jobs, { fileId, copies: 2, held: true }), 201);
    const later = expectStatus(await owner.post(jobs, { fileId, copies: 1 }), 201);
    await owner.get(jobs);
    const detail = expectStatus(await owner.get(`${jobs}/${job.id}`), 200);
    await owner.patch(`${jobs}/${job.id}`, { priority: 5, notes: 'first' });
    await owner.post(`${jobs}/${later.id}/reorder`, { beforeJobId: job.id });
    await owner.post(`${jobs}/${job.id}/release`);
    await owner.post(`${jobs}/${job.id}/hold`);
    const pinned = expectStatus(await owner.post(`${jobs}/on-printers`, { fileId, printerIds: [printer.id] }), 201);
    expectStatus(await owner.post(`${jobs}/${pinned.results[0].jobId}/cancel`), 200);
    const copy = detail.copyList[0].id;
    expectStatus(await owner.post(`/api/orgs/${orgId}/copies/${copy}/cancel`), 200);
    expectStatus(await owner.post(`/api/orgs/${orgId}/copies/${copy}/requeue`), 200);
    expectStatus(await owner.post(`/api/orgs/${orgId}/printers/${printer.id}/bed/clear`, {}), 409);
    await owner.post(`${jobs}/${later.id}/cancel`);
    expectStatus(await owner.delete(`${jobs}/${later.id}`), 204);
    await owner.get(`/api/orgs/${orgId}/printers/${printer.id}/history`);
    await owner.get(`/api/orgs/${orgId}/queue/readiness`);
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 86_400_000).toISOString();
    await owner.get(`/api/orgs/${orgId}/stats/utilization?from=${from}&to=${to}`);
    const removable = expectStatus(
      await raw(owner, 'POST', `${files}?name=other.gcode`, gcode(`${sample.text}\n; other\n`)),
      201,
    );
    expectStatus(await owner.delete(`${files}/${removable.file.id}`), 204);

    // Slicers: the OctoPrint and Moonraker subsets, with an upload-only key in X-Api-Key.
    const slicerKey = expectStatus(
      await owner.post(`/api/orgs/${orgId}/api-keys`, { name: 'slicer', scopes: ['upload:File'], fleetIds: null }),
      201,
    ).key as string;
    const slicer = async (method: string, path: string, form?: Record<string, string>) => {
      let body: FormData | undefined;
      if (form) {
        body = new FormData();
        for (const [name, value] of Object.entries(form)) body.append(name, value);
        body.append('file', new Blob([`${sample.text}\n; ${path}\n`]), 'from-slicer.gcode');
      }
      const response = await fetch(`${api.url}${path}`, { method, headers: { 'x-api-key': slicerKey }, body });
      return record(method, path, { status: response.status, body: await response.json(), headers: response.headers });
    };
    expectStatus(await slicer('GET', '/api/slicer/octoprint/api/version'), 200);
    expectStatus(await slicer('POST', '/api/slicer/octoprint/api/files/local', { print: 'true', path: '' }), 201);
    expectStatus(await slicer('GET', '/api/slicer/moonraker/server/info'), 200);
    expectStatus(await slicer('POST', '/api/slicer/moonraker/server/files/upload', { root: 'gcodes' }), 201);
    expectStatus(await slicer('POST', '/api/slicer/moonraker/server/files/upload', { root: 'config' }), 400);

    // Webhooks, the audit log, health.
    // Saved grid views.
    const views = `/api/orgs/${orgId}/dashboard/views`;
    const view = expectStatus(await owner.post(views, { name: 'Ending soon', query: 'sort=time&view=list' }), 201);
    await owner.get(views);
    expectStatus(await owner.request('PUT', `${views}/${view.id}`, { name: 'Risky first', query: 'sort=risk' }), 200);
    expectStatus(await owner.post(views, { name: 'Risky first', query: '' }), 409);
    expectStatus(await owner.delete(`${views}/${view.id}`), 204);
    expectStatus(await owner.delete(`${views}/${view.id}`), 404);

    // Browser push: the key, a browser subscribing (its keys as RFC 8291 wants), a test push, unsubscribing.
    const push = `/api/orgs/${orgId}/push-subscriptions`;
    expectStatus(await owner.get(`${push}/key`), 200);
    expectStatus(await owner.post(`${push}/test`), 409);
    const browserKey = createECDH('prime256v1');
    browserKey.generateKeys();
    const subscription = {
      endpoint: 'https://push.example.com/wpush/v2/contract',
      keys: { p256dh: browserKey.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    };
    expectStatus(await owner.post(push, subscription), 201);
    expectStatus(await owner.post(`${push}/test`), 202);
    expectStatus(await owner.request('DELETE', push, { endpoint: subscription.endpoint }), 204);
    expectStatus(await owner.request('DELETE', push, { endpoint: subscription.endpoint }), 404);

    const webhooks = `/api/orgs/${orgId}/webhooks`;
    const webhook = expectStatus(
      await owner.post(webhooks, { url: 'https://hooks.example.com/in', events: ['print.done'] }),
      201,
    );
    await owner.get(webhooks);
    await owner.patch(`${webhooks}/${webhook.id}`, { enabled: false, description: 'paused' });
    await owner.post(`${webhooks}/${webhook.id}/rotate-secret`);
    expectStatus(await owner.post(`${webhooks}/${webhook.id}/test`), 202);
    await owner.get(`${webhooks}/${webhook.id}/deliveries`);
    expectStatus(await owner.delete(`${webhooks}/${webhook.id}`), 204);
    // Chat-ops: integrations, a member's link code and links, and signed requests from each platform.
    const chatops = `/api/orgs/${orgId}/chatops`;
    const slackSecret = randomBytes(16).toString('hex');
    const discordKeys = generateKeyPairSync('ed25519');
    const discordKey = Buffer.from(discordKeys.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    const integration = (platform: string, secret?: string) =>
      owner.post(`${chatops}/integrations`, { platform, name: platform, secret, allowedCommands: ['status'] });
    const slackIntegration = expectStatus(await integration('slack', slackSecret), 201);
    const discordIntegration = expectStatus(await integration('discord', discordKey), 201);
    const telegramIntegration = expectStatus(await integration('telegram'), 201);
    expectStatus(await integration('discord', 'not a key'), 400);
    await owner.get(`${chatops}/integrations`);
    await owner.patch(`${chatops}/integrations/${slackIntegration.id}`, { allowedCommands: ['status', 'pause'] });
    expectStatus(await owner.post(`${chatops}/link-codes`), 201);
    await owner.get(`${chatops}/links`);
    expectStatus(await owner.delete(`${chatops}/links/${randomUUID()}`), 404);
    const inbound = async (platform: string, id: string, body: string, headers: Record<string, string>) => {
      const path = `/api/chatops/inbound/${platform}/${id}`;
      const response = await fetch(`${api.url}${path}`, { method: 'POST', headers, body });
      return record('POST', path, { status: response.status, body: await response.json(), headers: response.headers });
    };
    const timestamp = String(Math.floor(Date.now() / 1000));
    const slackBody = 'command=%2Ffarmhand&text=status&user_id=U1&user_name=someone';
    const slackSignature = createHmac('sha256', slackSecret).update(`v0:${timestamp}:${slackBody}`).digest('hex');
    const slackHeaders = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${slackSignature}`,
    };
    expectStatus(await inbound('slack', slackIntegration.id, slackBody, slackHeaders), 200);
    expectStatus(await inbound('slack', slackIntegration.id, slackBody, slackHeaders), 409);
    const ping = JSON.stringify({ type: 1 });
    const discordSignature = sign(null, Buffer.from(timestamp + ping), discordKeys.privateKey).toString('hex');
    const discordHeaders = { 'x-signature-ed25519': discordSignature, 'x-signature-timestamp': timestamp };
    expectStatus(await inbound('discord', discordIntegration.id, ping, discordHeaders), 200);
    const update = JSON.stringify({
      update_id: 1,
      message: { message_id: 1, text: '/status', from: { id: 1 }, chat: { id: 1 } },
    });
    const telegramHeaders = { 'x-telegram-bot-api-secret-token': telegramIntegration.generatedSecret };
    expectStatus(await inbound('telegram', telegramIntegration.id, update, telegramHeaders), 200);
    expectStatus(
      await inbound('telegram', telegramIntegration.id, update, { 'x-telegram-bot-api-secret-token': 'x' }),
      401,
    );
    expectStatus(await owner.delete(`${chatops}/integrations/${discordIntegration.id}`), 204);
    // Each member's own notification preferences, and the organization's bed-waiting time.
    const preferences = `/api/orgs/${orgId}/notification-preferences/me`;
    await owner.get(preferences);
    await owner.request('PUT', preferences, {
      emailEvents: ['print.failed'],
      pushEvents: [],
      urgentEvents: [],
      fleetIds: null,
      timeZone: 'Europe/Berlin',
      quietHours: { start: '22:00', end: '07:00' },
      digestHour: null,
    });
    expectStatus(await owner.request('PUT', preferences, { timeZone: 'Not/AZone' }), 400);
    const notificationSettings = `/api/orgs/${orgId}/notification-settings`;
    await owner.get(notificationSettings);
    await owner.request('PUT', notificationSettings, { bedWaitingMinutes: 20 });
    expectStatus(await owner.request('PUT', notificationSettings, { bedWaitingMinutes: 0 }), 400);
    // Notification channels, and the signed links their messages carry (a frame, an unsubscribe).
    const channels = `/api/orgs/${orgId}/notification-channels`;
    const channel = expectStatus(
      await owner.post(channels, { kind: 'email', name: 'Ops', events: ['print.done'], emailTo: ['ops@example.com'] }),
      201,
    );
    await owner.get(channels);
    await owner.patch(`${channels}/${channel.id}`, { name: 'Ops mail' });
    expectStatus(await owner.post(`${channels}/${channel.id}/test`), 202);
    await owner.get(`${channels}/${channel.id}/deliveries`);
    const links = new SignedLinks(api.config.SECRET_KEY, api.config.PUBLIC_URL);
    const frameLink = new URL(links.frameUrl(orgId, stored.id));
    expectStatus(await raw(guest, 'GET', `${frameLink.pathname}${frameLink.search}`), 200);
    const unsubscribe = `/api/notifications/unsubscribe/${links.unsubscribeToken(channel.id, 'ops@example.com')}`;
    expectStatus(await raw(guest, 'GET', unsubscribe), 200);
    expectStatus(
      await raw(guest, 'POST', unsubscribe, {
        body: 'List-Unsubscribe=One-Click',
        type: 'application/x-www-form-urlencoded',
      }),
      200,
    );
    expectStatus(await owner.delete(`${channels}/${channel.id}`), 204);
    // Spools and maintenance (issue 19).
    const spools = `/api/orgs/${orgId}/spools`;
    const spool = expectStatus(
      await owner.post(spools, { material: 'PLA', initialGrams: 1000, colorHex: '#ff8000' }),
      201,
    );
    await owner.get(spools);
    await owner.get(`${spools}/${spool.id}`);
    await owner.patch(`${spools}/${spool.id}`, { costCents: 2499 });
    expectStatus(await owner.post(`${spools}/${spool.id}/load`, { printerId: printer.id, slot: 1 }), 200);
    await owner.post(`${spools}/${spool.id}/unload`);
    await owner.get(`${spools}/${spool.id}/usage`);
    expectStatus(await owner.delete(`${spools}/${spool.id}`), 204);
    const maintenance = `/api/orgs/${orgId}/maintenance`;
    const task = expectStatus(
      await owner.post(`${maintenance}/tasks`, {
        name: 'Clean bed',
        printerId: printer.id,
        intervalKind: 'prints',
        intervalValue: 50,
        checklist: ['Wipe'],
      }),
      201,
    );
    await owner.get(maintenance);
    await owner.patch(`${maintenance}/tasks/${task.id}`, { holdWhenOverdue: true });
    expectStatus(
      await owner.post(`${maintenance}/tasks/${task.id}/complete`, { printerId: printer.id, checklist: [true] }),
      201,
    );
    const [completion] = (await owner.get(`${maintenance}/printers/${printer.id}/history`)).body.items;
    const photos = `${maintenance}/completions/${completion.id}/photos`;
    const photo = expectStatus(
      await raw(owner, 'POST', photos, { body: await jpegFrame(64, 48), type: 'image/jpeg' }),
      201,
    );
    expectStatus(await raw(owner, 'GET', `${photos}/${photo.id}`), 200);
    expectStatus(await raw(owner, 'POST', photos, { body: 'not a photo', type: 'image/jpeg' }), 400);
    expectStatus(await raw(owner, 'POST', photos, { body: 'not a photo', type: 'text/plain' }), 415);
    await owner.get(`${maintenance}/printers/${printer.id}/history`);
    expectStatus(await owner.delete(`${maintenance}/tasks/${task.id}`), 204);
    const reports = `/api/orgs/${orgId}/reports`;
    await owner.get(`${reports}?from=2026-01-01&to=2026-01-31`);
    expectStatus(await owner.get(`${reports}?from=2026-02-01&to=2026-01-31`), 400);
    expectStatus(await owner.get(`${reports}/export/members?from=2026-01-01&to=2026-01-31`), 200);
    await owner.get(`${reports}/settings`);
    await owner.patch(`${reports}/settings`, { machineCentsPerHour: 150, modelWatts: [{ model: 'MK4S', watts: 110 }] });
    // Quotas: one on a tag, changed and removed; a duplicate and a hostile target refused.
    const quotas = `/api/orgs/${orgId}/quotas`;
    const quota = expectStatus(
      await owner.post(quotas, { scope: 'tag', target: 'contract', metric: 'print_hours', limit: 12 }),
      201,
    );
    expectStatus(await owner.post(quotas, { scope: 'tag', target: 'contract', metric: 'print_hours', limit: 1 }), 409);
    expectStatus(await owner.post(quotas, { scope: 'tag', target: 'a\u0000b', metric: 'print_hours', limit: 1 }), 400);
    await owner.get(quotas);
    await owner.patch(`${quotas}/${quota.id}`, { limit: 24 });
    expectStatus(await owner.delete(`${quotas}/${quota.id}`), 204);
    expectStatus(await owner.delete(`${quotas}/${quota.id}`), 404);
    // Spoolman, none reachable from here: the settings' own refusals and the state without one.
    const spoolman = `/api/orgs/${orgId}/spoolman`;
    await owner.get(spoolman);
    expectStatus(await owner.post(`${spoolman}/sync`), 404);
    expectStatus(await owner.request('PUT', spoolman, { url: 'http://10.0.0.5:7912' }), 400);
    expectStatus(
      await owner.request('PUT', spoolman, { url: 'https://spoolman.example.com', apiKey: 'contract' }),
      200,
    );
    expectStatus(await owner.delete(spoolman), 204);
    expectStatus(await owner.delete(spoolman), 404);
    await owner.get(`/api/orgs/${orgId}/audit?limit=5`);
    await guest.get('/api/health');
    await guest.get('/api/health/live');

    // Single sign-on, none configured: the owners' settings and the public sign-in routes answer their own refusals
    // (the flow itself is test/accounts/sso.medium-spec.ts, against a real provider).
    const sso = `/api/orgs/${orgId}/sso`;
    expectStatus(await owner.get(sso), 404);
    expectStatus(
      await owner.request('PUT', sso, {
        slug: 'contract-farm',
        displayName: 'Contract',
        issuerUrl: 'https://169.254.169.254/',
        clientId: 'contract',
        clientSecret: 'contract-secret',
        allowedDomains: [],
        defaultRole: 'viewer',
        defaultFleetIds: null,
        groupClaim: null,
        groupRoles: null,
        enabled: true,
        requireSso: false,
        breakGlassUserId: null,
      }),
      400,
    );
    expectStatus(await owner.delete(sso), 404);
    expectStatus(await guest.get('/api/auth/sso/providers?q=someone%40nowhere.example'), 404);
    expectStatus(await guest.get('/api/auth/sso/providers/nobody-here'), 404);
    expectStatus(await guest.get('/api/auth/sso/nobody-here/start'), 404);
    expectStatus(await guest.get('/api/auth/sso/callback?state=forged&code=forged'), 302);

    // And a few refusals: every error code comes in the shared shape, listed for its route.
    await guest.get(`/api/orgs/${orgId}/printers`);
    await owner.get(`/api/orgs/${orgId}/jobs/00000000-0000-4000-8000-000000000000`);
    await owner.get(`/api/orgs/${orgId}/jobs/not-a-uuid`);
    await owner.post(jobs, { fileId, copies: 0 });
    await owner.post('/api/auth/sign-in', { email, password: 'wrong password, long enough' });

    expect(problems).toEqual([]);
    expect(operationsOf(document).filter((operation) => !exercised.has(operation))).toEqual([]);
  });
});

/** Swagger UI from the package, under a policy that runs no inline or remote script; off in production. */
describe('the API documentation at /api/docs', () => {
  it('is served with its assets from this server, scripts from here only', async () => {
    const api = await startApi();
    try {
      const page = await fetch(`${api.url}/api/docs`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy).toMatch(/script-src 'self'(;|$)/);
      expect(policy).not.toMatch(/https?:/);
      const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((match) => match[1]!);
      expect(scripts.length).toBeGreaterThan(0);
      expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>\s*\S/);
      for (const script of scripts) {
        expect(script).not.toMatch(/^(https?:)?\/\//);
        const asset = await fetch(new URL(script, `${api.url}/api/docs/`));
        expect(asset.status).toBe(200);
      }
    } finally {
      await api.close();
    }
  });

  it('is off in production unless API_DOCS_ENABLED=true', async () => {
    const production = await startApi({ NODE_ENV: 'production' });
    try {
      expect((await fetch(`${production.url}/api/docs`)).status).toBe(404);
      expect((await fetch(`${production.url}/api/openapi.json`)).status).toBe(200);
    } finally {
      await production.close();
    }
    const enabled = await startApi({ NODE_ENV: 'production', API_DOCS_ENABLED: 'true' });
    try {
      expect((await fetch(`${enabled.url}/api/docs`)).status).toBe(200);
    } finally {
      await enabled.close();
    }
  });
});

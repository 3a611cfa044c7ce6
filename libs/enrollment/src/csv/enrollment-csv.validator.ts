import type { EnrollmentCsvColumn, ParsedPrinterRow, RowError, RowErrorCode } from './enrollment-csv.types';

// Per-row validation of the enrollment CSV. Cells arrive trimmed; everything here is synchronous and allocation-light
// because it runs 10,000 times per upload.

export const TEXT_LIMITS = {
  name: 100,
  fleet: 100,
  model: 100,
  serial: 100,
  material: 50,
  octoprintUrl: 2048,
  address: 500,
} as const;
const PRINTER_KINDS = ['octoprint', 'moonraker', 'prusalink', 'bambu'] as const;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;
export const TAG_LIMITS = { maxTags: 20, maxLength: 50 } as const;
export const NUMBER_LIMITS = { nozzleDiameterMm: 5, buildMm: 10_000 } as const;

// C0/C1 controls, and the bidirectional overrides that can make a printer name read differently than it sorts.
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const DOT_DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const DOT_OR_COMMA_DECIMAL = /^(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;
const NON_ASCII = /[^\u0000-\u007f]/;

export interface HeaderLayout {
  /** The column each cell index feeds, or null for a cell under an empty header (ignored when empty). */
  cells: (EnrollmentCsvColumn | null)[];
}

export interface RowValidationContext {
  /** True for `;`-separated files, where `0,4` means 0.4. */
  decimalComma: boolean;
}

export interface RowValidation {
  printer: ParsedPrinterRow | null;
  errors: RowError[];
  /** The identifying cells when they are valid on their own, for duplicate and fleet checks across rows. */
  keys: { name: string | null; fleet: string | null; serial: string | null };
}

type Cells = Partial<Record<EnrollmentCsvColumn, string>>;

/** Validates one data row. `cells` are trimmed; the caller has already skipped blank rows. */
export function validatePrinterRow(
  row: number,
  cells: readonly string[],
  layout: HeaderLayout,
  context: RowValidationContext,
): RowValidation {
  const errors: RowError[] = [];
  const fail = (column: EnrollmentCsvColumn | null, code: RowErrorCode, message: string): void => {
    errors.push({ row, column, code, message });
  };

  const values: Cells = {};
  for (let index = 0; index < cells.length; index++) {
    const column = index < layout.cells.length ? layout.cells[index] : null;
    if (column !== null) {
      values[column] = cells[index];
    } else if (cells[index] !== '') {
      const where = index < layout.cells.length ? 'under an empty header cell' : 'beyond the last header column';
      fail(null, 'extra_cells', `Cell ${index + 1} has a value ("${preview(cells[index])}") ${where}.`);
    }
  }

  const name = text(values, 'name', TEXT_LIMITS.name, true, fail);
  const fleet = text(values, 'fleet', TEXT_LIMITS.fleet, true, fail);
  const model = text(values, 'model', TEXT_LIMITS.model, true, fail);
  const serial = text(values, 'serial', TEXT_LIMITS.serial, false, fail);
  const material = text(values, 'material', TEXT_LIMITS.material, false, fail);
  const octoprintUrl = url(values.octoprint_url ?? '', fail);
  const kind = printerKind(values.kind ?? '', fail);
  const address = printerAddress(values.address ?? '', kind, fail);
  const tags = tagList(values.tags ?? '', fail);
  const nozzleDiameterMm = millimetres(values, 'nozzle_diameter', NUMBER_LIMITS.nozzleDiameterMm, context, fail);
  const x = millimetres(values, 'build_x', NUMBER_LIMITS.buildMm, context, fail);
  const y = millimetres(values, 'build_y', NUMBER_LIMITS.buildMm, context, fail);
  const z = millimetres(values, 'build_z', NUMBER_LIMITS.buildMm, context, fail);

  const keys = { name, fleet, serial };
  if (errors.length > 0) return { printer: null, errors, keys };
  return {
    printer: {
      row,
      name: name!,
      fleet: fleet!,
      model: model!,
      serial,
      octoprintUrl,
      kind,
      address,
      tags,
      nozzleDiameterMm: nozzleDiameterMm!,
      buildVolumeMm: { x: x!, y: y!, z: z! },
      material,
    },
    errors,
    keys,
  };
}

type Fail = (column: EnrollmentCsvColumn | null, code: RowErrorCode, message: string) => void;

function text(values: Cells, column: EnrollmentCsvColumn, maxLength: number, required: boolean, fail: Fail) {
  const value = values[column] ?? '';
  if (value === '') {
    if (required) fail(column, 'required', `${column} is required.`);
    return null;
  }
  if (FORBIDDEN_CHARACTERS.test(value)) {
    fail(column, 'control_character', `${column} contains a control character (a line break, tab or similar).`);
    return null;
  }
  if (value.length > maxLength) {
    fail(column, 'too_long', `${column} is ${value.length} characters long; the limit is ${maxLength}.`);
    return null;
  }
  // One spelling per name, so that "é" typed two ways is not two printers.
  return NON_ASCII.test(value) ? value.normalize('NFC') : value;
}

function printerKind(value: string, fail: Fail): ParsedPrinterRow['kind'] {
  if (value === '') return null;
  const lower = value.toLowerCase();
  if ((PRINTER_KINDS as readonly string[]).includes(lower)) return lower as ParsedPrinterRow['kind'];
  fail('kind', 'invalid_kind', `"${preview(value)}" is not a printer kind; write one of ${PRINTER_KINDS.join(', ')}.`);
  return null;
}

function printerAddress(value: string, kind: ParsedPrinterRow['kind'], fail: Fail): string | null {
  if (value === '') return null;
  if (kind === 'bambu') {
    if (value.length <= 253 && HOST.test(value)) return value;
    fail('address', 'invalid_url', `"${preview(value)}" is not a host name or IP address (a Bambu printer's address).`);
    return null;
  }
  return url(value, fail, 'address', TEXT_LIMITS.address);
}

function url(
  value: string,
  fail: Fail,
  column: 'octoprint_url' | 'address' = 'octoprint_url',
  maxLength: number = TEXT_LIMITS.octoprintUrl,
): string | null {
  if (value === '') return null;
  if (value.length > maxLength) {
    fail(column, 'too_long', `${column} is longer than ${maxLength} characters.`);
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    fail(column, 'invalid_url', `"${preview(value)}" is not a URL; write it as http://host:port.`);
    return null;
  }
  if (/\s/.test(value) || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.hostname === '') {
    fail(column, 'invalid_url', `"${preview(value)}" is not an http:// or https:// URL.`);
    return null;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // The URL is copied into exports and agent configs; credentials do not belong there.
    fail(column, 'invalid_url', `${column} must not contain a user name or password.`);
    return null;
  }
  return parsed.href;
}

function tagList(value: string, fail: Fail): string[] {
  if (value === '') return [];
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const part of value.split('|')) {
    const tag = part.trim().toLowerCase();
    if (tag === '' || seen.has(tag)) continue;
    if (FORBIDDEN_CHARACTERS.test(tag)) {
      fail('tags', 'invalid_tag', 'A tag contains a control character.');
      return [];
    }
    if (tag.length > TAG_LIMITS.maxLength) {
      fail('tags', 'invalid_tag', `Tag "${preview(tag)}" is longer than ${TAG_LIMITS.maxLength} characters.`);
      return [];
    }
    seen.add(tag);
    tags.push(NON_ASCII.test(tag) ? tag.normalize('NFC') : tag);
  }
  if (tags.length > TAG_LIMITS.maxTags) {
    fail('tags', 'too_many_tags', `${tags.length} tags; the limit is ${TAG_LIMITS.maxTags}.`);
    return [];
  }
  return tags;
}

function millimetres(
  values: Cells,
  column: EnrollmentCsvColumn,
  max: number,
  context: RowValidationContext,
  fail: Fail,
): number | null {
  const value = values[column] ?? '';
  if (value === '') {
    fail(column, 'required', `${column} is required (millimetres).`);
    return null;
  }
  const example = context.decimalComma ? '0.4 or 0,4' : '0.4';
  if (value.startsWith('-')) {
    fail(column, 'not_positive', `${column} must be greater than 0 (got "${preview(value)}").`);
    return null;
  }
  if (!(context.decimalComma ? DOT_OR_COMMA_DECIMAL : DOT_DECIMAL).test(value)) {
    const hint =
      !context.decimalComma && DOT_OR_COMMA_DECIMAL.test(value)
        ? 'a comma-separated file takes a decimal point, e.g. 0.4'
        : `write a plain number of millimetres, e.g. ${example}`;
    fail(column, 'invalid_number', `"${preview(value)}" is not a number: ${hint}.`);
    return null;
  }
  const number = Number(context.decimalComma ? value.replace(',', '.') : value);
  if (!(number > 0)) {
    fail(column, 'not_positive', `${column} must be greater than 0 (got "${value}").`);
    return null;
  }
  if (number > max) {
    fail(column, 'out_of_range', `${column} is ${number} mm; the limit is ${max} mm.`);
    return null;
  }
  return number;
}

/** A cell value shortened for an error message. */
export function preview(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}

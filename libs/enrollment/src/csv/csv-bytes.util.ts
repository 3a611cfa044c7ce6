import { isUtf8 } from 'node:buffer';

// Byte-level helpers that run before csv-parse sees the file: encoding checks, delimiter detection, and locating a
// byte offset as a spreadsheet row and column for error messages.

const QUOTE = 0x22;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Excel's "Unicode text" export is UTF-16; say so rather than report a wall of invalid bytes. */
export function hasUtf16Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

export function isBlank(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== LINE_FEED && byte !== CARRIAGE_RETURN) return false;
  }
  return true;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (overlongs and surrogates included), or -1. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index];
    let length: number;
    let secondMin = 0x80;
    let secondMax = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) secondMin = 0xa0;
      if (lead === 0xed) secondMax = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) secondMin = 0x90;
      if (lead === 0xf4) secondMax = 0x8f;
    } else return index;
    if (length > 1) {
      if (index + length > bytes.length) return index;
      const second = bytes[index + 1];
      if (second < secondMin || second > secondMax) return index;
      for (let next = 2; next < length; next++) {
        const continuation = bytes[index + next];
        if (continuation < 0x80 || continuation > 0xbf) return index;
      }
    }
    index += length;
  }
  return -1;
}

export type Delimiter = ',' | ';';

/**
 * Picks the delimiter from the header line: whichever of `,` and `;` occurs more often outside quotes (`,` on a
 * tie). Header names never contain either, so a real header has at least one more delimiter than the other kind.
 */
export function detectDelimiter(bytes: Uint8Array): Delimiter {
  let commas = 0;
  let semicolons = 0;
  scanRecords(bytes, null, (event) => {
    if (event === 'record') return false;
    if (event === COMMA) commas++;
    else semicolons++;
    return true;
  });
  return semicolons > commas ? ';' : ',';
}

export interface OversizedRecord {
  /** 1-based record number (the header is 1). */
  row: number;
  bytes: number;
}

/** The first record longer than `maxBytes` (its line break excluded), or null. One pass, no allocation. */
export function findOversizedRecord(bytes: Uint8Array, delimiter: Delimiter, maxBytes: number): OversizedRecord | null {
  let row = 0;
  let start = 0;
  let found: OversizedRecord | null = null;
  scanRecords(bytes, delimiter, (event, index, next) => {
    if (event !== 'record') return true;
    row++;
    if (index - start > maxBytes) {
      found = { row, bytes: index - start };
      return false;
    }
    start = next;
    return true;
  });
  if (found === null && bytes.length - start > maxBytes) found = { row: row + 1, bytes: bytes.length - start };
  return found;
}

export interface ByteLocation {
  /** 1-based record number, counted as csv-parse counts records (a quoted line break stays inside its record). */
  row: number;
  /** 0-based cell index within the record. */
  cell: number;
  /** Offset where that cell starts. */
  cellStart: number;
}

/** Where a byte offset falls, in records and cells, by the same rules as the parser. */
export function locateByte(bytes: Uint8Array, offset: number, delimiter: Delimiter): ByteLocation {
  const location: ByteLocation = { row: 1, cell: 0, cellStart: 0 };
  scanRecords(bytes.subarray(0, offset), delimiter, (event, _index, next) => {
    if (event === 'record') {
      location.row++;
      location.cell = 0;
    } else {
      location.cell++;
    }
    location.cellStart = next;
    return true;
  });
  return location;
}

type ScanEvent = 'record' | typeof COMMA | typeof SEMICOLON;

/** The record delimiters given to csv-parse: files from any platform, even mixed, read the same. */
export const RECORD_DELIMITERS = ['\r\n', '\n', '\r'];

/**
 * Walks CSV structure the way csv-parse (with `trim` and RECORD_DELIMITERS) reads it: a quote opens a quoted cell
 * only as the cell's first non-blank character, `""` inside quotes is a literal quote, and CRLF, LF or CR ends a
 * record. Calls `visit` at each delimiter (`delimiter` null: both kinds) and record end with the offset of the event
 * and of the byte after it; stops when `visit` returns false.
 */
function scanRecords(
  bytes: Uint8Array,
  delimiter: Delimiter | null,
  visit: (event: ScanEvent, index: number, next: number) => boolean,
): void {
  const comma = delimiter !== ';';
  const semicolon = delimiter !== ',';
  let inQuotes = false;
  let cellBlank = true;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inQuotes) {
      if (byte === QUOTE) {
        if (bytes[index + 1] === QUOTE) index++;
        else inQuotes = false;
      }
      continue;
    }
    if (byte === QUOTE && cellBlank) {
      inQuotes = true;
      cellBlank = false;
    } else if ((byte === COMMA && comma) || (byte === SEMICOLON && semicolon)) {
      cellBlank = true;
      if (!visit(byte, index, index + 1)) return;
    } else if (byte === LINE_FEED || byte === CARRIAGE_RETURN) {
      cellBlank = true;
      const next = byte === CARRIAGE_RETURN && bytes[index + 1] === LINE_FEED ? index + 2 : index + 1;
      if (!visit('record', index, next)) return;
      index = next - 1;
    } else if (!isSpace(byte)) {
      cellBlank = false;
    }
  }
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09;
}

export function hexByte(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

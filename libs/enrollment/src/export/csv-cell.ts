// Cells that a spreadsheet would run as a formula (CWE-1236): =, +, -, @, also in their full-width forms, and tab or
// carriage return, even after leading whitespace. OWASP's remedy: prefix a single quote so the cell is read as text.
const FORMULA_START = /^[\t\r\n ]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;
const NEEDS_QUOTES = /[",;\r\n]|^\s|\s$/;

/** A cell that a spreadsheet will not execute and that RFC 4180 parsers read back as the same text. */
export function escapeCsvCell(value: string | number | null | undefined): string {
  let cell = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(cell)) cell = `'${cell}`;
  // `;` is quoted too: Excel in many European locales splits on it.
  return NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** One RFC 4180 record (without its CRLF). */
export function csvRecord(cells: readonly (string | number | null | undefined)[]): string {
  return cells.map(escapeCsvCell).join(',');
}

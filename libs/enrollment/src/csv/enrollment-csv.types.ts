/** The columns an enrollment CSV may carry, as written in its header row (after normalisation). */
export type EnrollmentCsvColumn =
  | 'name'
  | 'fleet'
  | 'model'
  | 'serial'
  | 'octoprint_url'
  | 'kind'
  | 'address'
  | 'tags'
  | 'nozzle_diameter'
  | 'build_x'
  | 'build_y'
  | 'build_z'
  | 'material';

/** One valid printer row, trimmed and normalised. */
export interface ParsedPrinterRow {
  /** Row number as a spreadsheet shows it: the header is row 1, the first printer usually row 2. */
  row: number;
  name: string;
  /** Fleet name as written; the caller resolves it against the organization's fleets. */
  fleet: string;
  model: string;
  serial: string | null;
  /** Normalised http(s) URL (WHATWG `href`), destined for the agent's config. */
  octoprintUrl: string | null;
  /** The printer software a farm gateway drives it with (octoprint, moonraker, prusalink, bambu); null: not given. */
  kind: 'octoprint' | 'moonraker' | 'prusalink' | 'bambu' | null;
  /** Where the gateway reaches it: an http(s) URL, or a host/IP for Bambu. Never a secret. */
  address: string | null;
  /** Lowercased, deduplicated, in first-seen order. */
  tags: string[];
  nozzleDiameterMm: number;
  buildVolumeMm: { x: number; y: number; z: number };
  material: string | null;
}

export type RowErrorCode =
  | 'required'
  | 'too_long'
  | 'control_character'
  | 'invalid_number'
  | 'not_positive'
  | 'out_of_range'
  | 'invalid_url'
  | 'invalid_kind'
  | 'invalid_tag'
  | 'too_many_tags'
  | 'extra_cells'
  | 'duplicate_serial'
  | 'duplicate_name'
  | 'unknown_fleet'
  // Found by the import against the organization's printers (imports/import-plan.ts), not by the parser.
  | 'name_taken'
  | 'serial_conflict'
  | 'outside_fleet_scope'
  | 'duplicate_printer';

/** A problem with one cell (or, with `column: null`, with the row as a whole). */
export interface RowError {
  row: number;
  column: EnrollmentCsvColumn | null;
  code: RowErrorCode;
  message: string;
}

export type FileErrorCode =
  | 'file_empty'
  | 'no_data_rows'
  | 'file_too_large'
  | 'too_many_rows'
  | 'record_too_large'
  | 'invalid_utf8'
  | 'unsupported_encoding'
  | 'missing_header'
  | 'unknown_columns'
  | 'missing_columns'
  | 'duplicate_columns'
  | 'malformed_csv';

/** A problem that stops the file from being read at all; `row` and `byteOffset` say where when known. */
export interface FileError {
  code: FileErrorCode;
  message: string;
  row?: number;
  /** Offset in the uploaded bytes (a UTF-8 BOM included), for encoding errors. */
  byteOffset?: number;
}

export interface EnrollmentCsvResult {
  /** Rows without any error. Empty whenever `fileErrors` is not. */
  rows: ParsedPrinterRow[];
  /** Per-row errors sorted by row then column order, at most `maxRowErrors` of them. */
  errors: RowError[];
  /** How many row errors were left out of `errors` by the `maxRowErrors` cap. */
  errorsOmitted: number;
  fileErrors: FileError[];
  /**
   * Every fleet named in the file -> the rows naming it, including rows with other errors, so that the caller
   * can report an unknown fleet on every row (see `unknownFleetErrors`).
   */
  fleetRows: Map<string, number[]>;
  /** The delimiter detected from the header line, null when the file was not read that far. */
  delimiter: ',' | ';' | null;
  /** Non-blank data rows read (valid or not). */
  dataRowCount: number;
}

export interface EnrollmentCsvProgress {
  /** Non-blank data rows parsed and validated so far. */
  rowsParsed: number;
  bytesParsed: number;
  totalBytes: number;
}

export interface ParseEnrollmentCsvOptions {
  /** Called every `progressEveryRows` rows and once at the end; must not throw. */
  onProgress?: (progress: EnrollmentCsvProgress) => void;
  /** Default 500. The parser also lets the event loop run at this interval. */
  progressEveryRows?: number;
  /** Cap on `errors` (default 1,000) so that a hopeless file does not produce a huge answer. */
  maxRowErrors?: number;
}

/** Bytes (a Buffer) or a byte stream (a Node Readable, or any async iterable of Uint8Array). */
export type EnrollmentCsvInput = Uint8Array | AsyncIterable<Uint8Array>;

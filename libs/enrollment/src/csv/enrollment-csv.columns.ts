import type { EnrollmentCsvColumn } from './enrollment-csv.types';

/** Hard limits on one upload. Beyond them the whole file is refused with a file error. */
export const ENROLLMENT_CSV_LIMITS = {
  /** Non-blank data rows (the header and blank rows do not count). */
  maxDataRows: 10_000,
  maxFileBytes: 5 * 1024 * 1024,
  /** One record's raw bytes, quotes and delimiters included, line break excluded. */
  maxRecordBytes: 4 * 1024,
} as const;

export interface EnrollmentCsvColumnDescription {
  name: EnrollmentCsvColumn;
  /** Required columns must be in the header and filled on every row; optional ones may be left out entirely. */
  required: boolean;
  description: string;
  format: string;
  example: string;
}

/**
 * The documented enrollment CSV format, for docs/ and the dashboard's help and template.
 *
 * Build volume and nozzle are required because the scheduler matches jobs on them: a printer with an unknown bed
 * would be either never or always eligible for a large part, and both are wrong. Material is optional because it
 * changes with the loaded spool.
 */
export const CSV_COLUMNS: readonly EnrollmentCsvColumnDescription[] = [
  {
    name: 'name',
    required: true,
    description:
      'Display name of the printer, unique within the file (re-uploads match on it when there is no serial).',
    format: 'text, at most 100 characters',
    example: 'Prusa-01',
  },
  {
    name: 'fleet',
    required: true,
    description: "Name of an existing fleet of the organization; the printer's enrollment token is bound to it.",
    format: 'text, at most 100 characters, must match a fleet exactly',
    example: 'Workshop A',
  },
  {
    name: 'model',
    required: true,
    description: 'Printer model.',
    format: 'text, at most 100 characters',
    example: 'Prusa MK4',
  },
  {
    name: 'serial',
    required: false,
    description: 'Serial number, unique within the organization; re-uploads update the printer with this serial.',
    format: 'text, at most 100 characters',
    example: 'CZPX2417X004XK12345',
  },
  {
    name: 'octoprint_url',
    required: false,
    description: "OctoPrint's address as seen from the agent; written into the agent's config.",
    format: 'http:// or https:// URL without user name or password',
    example: 'http://127.0.0.1:5000',
  },
  {
    name: 'kind',
    required: false,
    description:
      'The printer software a farm gateway drives it with; copied to the credentials CSV for `farmhand-agent gateway enroll`.',
    format: 'octoprint, moonraker, prusalink or bambu (default octoprint)',
    example: 'moonraker',
  },
  {
    name: 'address',
    required: false,
    description:
      "The printer's address on the farm's LAN as the gateway reaches it; copied to the credentials CSV. Never a password or key: LAN secrets stay on the gateway.",
    format: 'http:// or https:// URL without user name or password; for bambu a host name or IP address',
    example: 'http://10.0.0.22:7125',
  },
  {
    name: 'tags',
    required: false,
    description: 'Free labels used by job requirements; lowercased and deduplicated.',
    format: 'labels separated by |, at most 20 labels of 50 characters',
    example: 'enclosure|hardened-nozzle',
  },
  {
    name: 'nozzle_diameter',
    required: true,
    description: 'Nozzle diameter in millimetres.',
    format: 'number > 0 and <= 5, decimal point (decimal comma also accepted in ;-separated files)',
    example: '0.4',
  },
  {
    name: 'build_x',
    required: true,
    description: 'Build volume width in millimetres.',
    format: 'number > 0 and <= 10000',
    example: '250',
  },
  {
    name: 'build_y',
    required: true,
    description: 'Build volume depth in millimetres.',
    format: 'number > 0 and <= 10000',
    example: '210',
  },
  {
    name: 'build_z',
    required: true,
    description: 'Build volume height in millimetres.',
    format: 'number > 0 and <= 10000',
    example: '220',
  },
  {
    name: 'material',
    required: false,
    description: 'Material currently loaded.',
    format: 'text, at most 50 characters',
    example: 'PLA',
  },
];

export const CSV_COLUMN_NAMES: readonly EnrollmentCsvColumn[] = CSV_COLUMNS.map((column) => column.name);

const KNOWN_COLUMNS = new Set<string>(CSV_COLUMN_NAMES);

export function isEnrollmentCsvColumn(value: string): value is EnrollmentCsvColumn {
  return KNOWN_COLUMNS.has(value);
}

/**
 * Header cells are matched leniently, as spreadsheet users write them: `OctoPrint URL`, ` Nozzle-Diameter ` and
 * `octoprint_url` all name the same column.
 */
export function normalizeHeaderCell(cell: string): string {
  return cell
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** The closest known column to a misspelt one, or null when nothing is close. */
export function suggestColumn(unknown: string): EnrollmentCsvColumn | null {
  let best: EnrollmentCsvColumn | null = null;
  let bestDistance = Infinity;
  for (const column of CSV_COLUMN_NAMES) {
    const distance = column.startsWith(unknown) || unknown.startsWith(column) ? 1 : levenshtein(unknown, column);
    if (distance < bestDistance) {
      best = column;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(unknown.length / 3)) ? best : null;
}

function levenshtein(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

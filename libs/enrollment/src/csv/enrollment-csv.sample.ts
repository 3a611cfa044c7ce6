import { CSV_COLUMN_NAMES } from './enrollment-csv.columns';

export interface SampleEnrollmentCsvOptions {
  delimiter?: ',' | ';';
  /** Fleet names to cycle through (default: "Fleet A" .. "Fleet D"). */
  fleets?: readonly string[];
  /** Prefix of printer names and serials, so that two samples do not collide (default "P"). */
  prefix?: string;
}

const MODELS = [
  { model: 'Prusa MK4', nozzle: 0.4, build: [250, 210, 220] },
  { model: 'Prusa XL', nozzle: 0.6, build: [360, 360, 360] },
  { model: 'Voron 2.4', nozzle: 0.4, build: [350, 350, 340] },
  { model: 'Ender 3 V3', nozzle: 0.25, build: [220, 220, 250] },
] as const;
const MATERIALS = ['PLA', 'PETG', 'ABS', ''] as const;

/**
 * A valid enrollment CSV with `rowCount` printers, every column filled: for the dashboard's template download, the
 * benchmarks and tests. With `;` as delimiter it writes decimal commas, as a European spreadsheet does.
 */
export function generateSampleEnrollmentCsv(rowCount: number, options: SampleEnrollmentCsvOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  const fleets = options.fleets ?? ['Fleet A', 'Fleet B', 'Fleet C', 'Fleet D'];
  const prefix = options.prefix ?? 'P';
  const decimal = (value: number): string => (delimiter === ';' ? String(value).replace('.', ',') : String(value));
  const lines = [CSV_COLUMN_NAMES.join(delimiter)];
  for (let index = 1; index <= rowCount; index++) {
    const spec = MODELS[index % MODELS.length];
    const number = String(index).padStart(5, '0');
    lines.push(
      [
        `${prefix}-${number}`,
        fleets[index % fleets.length],
        spec.model,
        `SN-${prefix}-${number}`,
        `http://10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}:5000`,
        'octoprint',
        '',
        index % 3 === 0 ? 'enclosure|Hardened|enclosure' : 'open-frame',
        decimal(spec.nozzle),
        ...spec.build.map(decimal),
        MATERIALS[index % MATERIALS.length],
      ].join(delimiter),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

import { GcodeRejectedError } from './gcode.exception';

export const GCODE_EXTENSIONS = ['.gcode', '.gco', '.g'] as const;
/** Every extension a library file may have: G-code, Prusa binary G-code, Bambu/Orca project 3MF (longest first). */
export const PRINT_FILE_EXTENSIONS = ['.gcode.3mf', '.bgcode', '.3mf', ...GCODE_EXTENSIONS] as const;
export const MAX_FILE_NAME_BYTES = 200;
const FALLBACK_STEM = 'untitled';

/** Extensions people will try, each with the one thing to do instead. */
const REFUSED_EXTENSIONS: [suffix: string, message: string][] = [
  ['.stl', 'STL models must be sliced first; upload the G-code the slicer exports'],
  ['.obj', 'models must be sliced first; upload the G-code the slicer exports'],
  ['.step', 'models must be sliced first; upload the G-code the slicer exports'],
  ['.zip', 'archives are not supported; upload the G-code file itself'],
];

// Device names Windows refuses as a file name, whatever the extension; harmless elsewhere but kept safe everywhere.
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
// C0/C1 controls, line separators, unpaired surrogates, and invisible format characters such as bidi overrides
// (they can disguise an extension: 'evil\u202Eedocg.exe' shows as 'evilexe.gcode'); the zero-width (non-)joiners
// stay, emoji sequences and some scripts need them.
const STRIP = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]|(?![\u200c\u200d])\p{Cf}/gu;
const REPLACE = /[<>:"|?*]/g;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Turns the name a client sent into a name safe to store and show: the last path component only (`../`, `/`, `\`
 * are gone), no control or invisible characters, no Windows-reserved characters or device names, no leading dots,
 * at most 200 UTF-8 bytes (cut on a character boundary, the extension kept), never empty. Unicode letters stay.
 * The extension must be .gcode, .gco, .g, .bgcode, .3mf or .gcode.3mf (any case, returned lower-case); anything else is refused with a
 * GcodeRejectedError `invalid_file_name` that says what to upload instead.
 */
export function sanitizeGcodeFileName(input: unknown): string {
  if (typeof input !== 'string') throw GcodeRejectedError.invalidFileName('A file name is required');
  const cleaned = input.normalize('NFC').replace(STRIP, '').replace(REPLACE, '_');
  const base = cleaned.split(/[/\\]/).pop() ?? '';
  const collapsed = base.replace(/\s+/g, ' ').trim();

  const lower = collapsed.toLowerCase();
  const extension = PRINT_FILE_EXTENSIONS.find((candidate) => lower.endsWith(candidate));
  if (!extension) {
    const refused = REFUSED_EXTENSIONS.find(([suffix]) => lower.endsWith(suffix));
    if (refused) throw GcodeRejectedError.invalidFileName(`Not G-code: ${refused[1]}`);
    throw GcodeRejectedError.invalidFileName(
      `Only print files are accepted: the name must end in ${PRINT_FILE_EXTENSIONS.join(', ')}`,
    );
  }

  let stem = collapsed
    .slice(0, collapsed.length - extension.length)
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  if (stem === '') stem = FALLBACK_STEM;
  if (RESERVED.test(stem.split('.')[0])) stem = `_${stem}`;
  stem = truncateToBytes(stem, MAX_FILE_NAME_BYTES - Buffer.byteLength(extension));
  return `${stem}${extension}`;
}

/** Cuts on grapheme boundaries, so no character (nor emoji sequence) is split. */
function truncateToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let result = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = Buffer.byteLength(segment);
    if (bytes + size > maxBytes) break;
    result += segment;
    bytes += size;
  }
  result = result.replace(/[\s.]+$/, '');
  return result === '' ? FALLBACK_STEM : result;
}

import { GcodeRejectedError } from './gcode.exception';

/** How much of the start of a file is inspected before any line is parsed. */
export const SNIFF_BYTES = 4096;

/** Above this share of control bytes in the sniffed prefix, the content is binary, not text. */
const MAX_CONTROL_BYTE_RATIO = 0.02;

interface Signature {
  magic: number[];
  reject: () => GcodeRejectedError;
}

const ARCHIVE = () =>
  GcodeRejectedError.notGcode(
    'archive',
    'Not G-code: 3MF and ZIP archives are not supported. Export G-code from the slicer (File > Export G-code) and upload that file',
  );
const COMPRESSED = () =>
  GcodeRejectedError.notGcode(
    'archive',
    'Not G-code: compressed archives are not supported. Upload the G-code file itself',
  );
const IMAGE = () => GcodeRejectedError.notGcode('image', 'Not G-code: this file is an image');
const DOCUMENT = () => GcodeRejectedError.notGcode('document', 'Not G-code: this file is a document');
const BINARY = () => GcodeRejectedError.notGcode('binary', 'Not G-code: the file contains binary data');

const SIGNATURES: Signature[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], reject: ARCHIVE },
  { magic: [0x50, 0x4b, 0x05, 0x06], reject: ARCHIVE },
  { magic: [0x1f, 0x8b], reject: COMPRESSED },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], reject: COMPRESSED },
  { magic: [0x52, 0x61, 0x72, 0x21], reject: COMPRESSED },
  {
    // 'GCDE': Prusa's binary G-code. Printers read it, but its metadata and moves are compressed blocks.
    magic: [0x47, 0x43, 0x44, 0x45],
    reject: () =>
      GcodeRejectedError.notGcode(
        'binary_gcode',
        'Not G-code: binary G-code (.bgcode) is not supported. Turn off "Supports binary G-code" in the printer settings of PrusaSlicer and export again',
      ),
  },
  { magic: [0x89, 0x50, 0x4e, 0x47], reject: IMAGE },
  { magic: [0xff, 0xd8, 0xff], reject: IMAGE },
  { magic: [0x47, 0x49, 0x46, 0x38], reject: IMAGE },
  { magic: [0x52, 0x49, 0x46, 0x46], reject: BINARY },
  { magic: [0x25, 0x50, 0x44, 0x46], reject: DOCUMENT },
  { magic: [0x7f, 0x45, 0x4c, 0x46], reject: BINARY },
  { magic: [0x4d, 0x5a], reject: BINARY },
];

/**
 * Refuses content that is plainly not text G-code, from its first bytes: known magic numbers first (so a 3MF
 * gets a message that says what to do), then NUL bytes or too many control characters. Throws; returns nothing.
 * Text that merely is not G-code (an STL, a CSV) passes here and is caught later by the line statistics.
 */
export function sniffContent(prefix: Uint8Array): void {
  for (const signature of SIGNATURES) {
    if (startsWith(prefix, signature.magic)) throw signature.reject();
  }
  let control = 0;
  for (let index = 0; index < prefix.length; index++) {
    const byte = prefix[index];
    if (byte === 0) throw BINARY();
    // Tab, LF, CR are text; every other C0 byte and DEL are not. Bytes >= 0x80 are allowed (UTF-8 or Latin-1 names).
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) control++;
  }
  if (prefix.length > 0 && control / prefix.length > MAX_CONTROL_BYTE_RATIO) throw BINARY();
}

function startsWith(data: Uint8Array, magic: number[]): boolean {
  if (data.length < magic.length) return false;
  for (let index = 0; index < magic.length; index++) if (data[index] !== magic[index]) return false;
  return true;
}

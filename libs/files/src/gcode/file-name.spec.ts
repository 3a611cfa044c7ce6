import { MAX_FILE_NAME_BYTES, sanitizeGcodeFileName } from './file-name';
import { GcodeRejectedError } from './gcode.exception';

function refusal(input: unknown): GcodeRejectedError {
  try {
    sanitizeGcodeFileName(input);
  } catch (error) {
    if (error instanceof GcodeRejectedError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('sanitizeGcodeFileName', () => {
  it('keeps an ordinary name as it is', () => {
    expect(sanitizeGcodeFileName('Benchy_0.2mm_PLA_MK4S_1h2m.gcode')).toBe('Benchy_0.2mm_PLA_MK4S_1h2m.gcode');
  });

  it.each([
    ['../../etc/cron.d/evil.gcode', 'evil.gcode'],
    ['..\\..\\Windows\\System32\\evil.gcode', 'evil.gcode'],
    ['/absolute/path/part.gcode', 'part.gcode'],
    ['C:\\Users\\me\\Desktop\\part.gco', 'part.gco'],
    ['../.gcode', 'untitled.gcode'],
    ['..', null],
  ])('strips path traversal: %j', (input, expected) => {
    if (expected === null) {
      expect(refusal(input).code).toBe('invalid_file_name');
    } else {
      expect(sanitizeGcodeFileName(input)).toBe(expected);
    }
  });

  it('removes control characters, including NUL, newlines and escape sequences', () => {
    expect(sanitizeGcodeFileName('pa\u0000rt\r\n\u001b[31m red.gcode')).toBe('part[31m red.gcode');
  });

  it('removes bidirectional overrides that would disguise the extension', () => {
    // A bidi-aware display shows this as "invoiceedocg.exe"; without the override the real extension shows.
    expect(sanitizeGcodeFileName('invoice\u202Eexe.gcode')).toBe('invoiceexe.gcode');
  });

  it('replaces characters Windows refuses and renames reserved device names', () => {
    expect(sanitizeGcodeFileName('what? <a|b> "c": d*.gcode')).toBe('what_ _a_b_ _c__ d_.gcode');
    expect(sanitizeGcodeFileName('CON.gcode')).toBe('_CON.gcode');
    expect(sanitizeGcodeFileName('lpt1.g')).toBe('_lpt1.g');
  });

  it('keeps unicode letters and normalises them (NFC)', () => {
    expect(sanitizeGcodeFileName('Zahnrad_größe_日本語_🚀.gcode')).toBe('Zahnrad_größe_日本語_🚀.gcode');
    expect(sanitizeGcodeFileName('cafe\u0301.gcode')).toBe('caf\u00e9.gcode');
  });

  it('drops leading dots and trailing dots or spaces of the stem, and collapses whitespace', () => {
    expect(sanitizeGcodeFileName('  ...hidden   part .  .gcode')).toBe('hidden part.gcode');
  });

  it('limits the name to 200 bytes of UTF-8 without splitting a character, extension kept', () => {
    const name = sanitizeGcodeFileName(`${'ö'.repeat(150)}.gcode`);

    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(name).toBe(`${'ö'.repeat(97)}.gcode`);
    expect(name).not.toContain('\ufffd');
  });

  it('does not split an emoji sequence when cutting', () => {
    const family = '👨‍👩‍👧'; // 18 bytes, one grapheme
    const name = sanitizeGcodeFileName(`${'a'.repeat(180)}${family}.gcode`);

    expect(name).toBe(`${'a'.repeat(180)}.gcode`);
  });

  it('accepts .gcode, .gco and .g in any case and returns the extension in lower case', () => {
    expect(sanitizeGcodeFileName('A.GCODE')).toBe('A.gcode');
    expect(sanitizeGcodeFileName('b.Gco')).toBe('b.gco');
    expect(sanitizeGcodeFileName('c.G')).toBe('c.g');
  });

  it('accepts Prusa binary G-code and Bambu/Orca project 3MF, keeping .gcode.3mf whole', () => {
    expect(sanitizeGcodeFileName('Print.BGCODE')).toBe('Print.bgcode');
    expect(sanitizeGcodeFileName('plate.3MF')).toBe('plate.3mf');
    expect(sanitizeGcodeFileName('plate.gcode.3mf')).toBe('plate.gcode.3mf');
    expect(sanitizeGcodeFileName('.gcode.3mf')).toBe('untitled.gcode.3mf');
  });

  it.each([
    ['model.stl', /sliced first/],
    ['notes.txt', /must end in \.gcode\.3mf, \.bgcode, \.3mf, \.gcode, \.gco, \.g/],
    ['gcode', /must end in/],
  ])('refuses %s with a message saying what to upload', (input, message) => {
    const error = refusal(input);

    expect(error.code).toBe('invalid_file_name');
    expect(error.field).toBe('fileName');
    expect(error.message).toMatch(message);
  });

  it('never returns an empty name', () => {
    for (const input of ['.gcode', ' .gcode', '\u0000.gcode', '/.gcode', '....g', '\u202E.gco']) {
      expect(sanitizeGcodeFileName(input)).toMatch(/^untitled\.(gcode|gco|g)$/);
    }
  });

  it('refuses what is not a string', () => {
    expect(refusal(undefined).code).toBe('invalid_file_name');
    expect(refusal(42).code).toBe('invalid_file_name');
  });
});

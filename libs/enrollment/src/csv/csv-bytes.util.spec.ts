import { detectDelimiter, findInvalidUtf8, findOversizedRecord, locateByte } from './csv-bytes.util';

describe('findInvalidUtf8', () => {
  it('accepts valid UTF-8 of every length', () => {
    expect(findInvalidUtf8(Buffer.from('a é € 𝄞'))).toBe(-1);
  });

  it.each([
    ['a Latin-1 é', [0x61, 0xe9, 0x62], 1],
    ['an overlong slash (a classic filter bypass)', [0x61, 0xc0, 0xaf], 1],
    ['an encoded surrogate', [0x61, 0x62, 0xed, 0xa0, 0x80], 2],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut off at the end', [0x61, 0xe2, 0x82], 1],
    ['a stray continuation byte', [0x80], 0],
  ])('finds %s', (_label, bytes, offset) => {
    expect(findInvalidUtf8(Buffer.from(bytes))).toBe(offset);
  });
});

describe('detectDelimiter', () => {
  it('picks the delimiter that separates the header', () => {
    expect(detectDelimiter(Buffer.from('name;fleet;model\nA,B;C;D'))).toBe(';');
    expect(detectDelimiter(Buffer.from('name,fleet,model\nA;B;C;D;E'))).toBe(',');
  });

  it('ignores delimiters inside quoted header cells', () => {
    expect(detectDelimiter(Buffer.from('"a,b,c";"d";"e"\n'))).toBe(';');
  });

  it('falls back to a comma when the header has neither', () => {
    expect(detectDelimiter(Buffer.from('name\nA'))).toBe(',');
  });
});

describe('locateByte', () => {
  it('counts rows as records, keeping quoted line breaks inside their record', () => {
    const bytes = Buffer.from('h1,h2\r\n"x\r\ny",abc\nlast,zz\rmac,os9');

    expect(locateByte(bytes, bytes.indexOf('abc'), ',')).toEqual({ row: 2, cell: 1, cellStart: bytes.indexOf('abc') });
    expect(locateByte(bytes, bytes.indexOf('zz'), ',')).toMatchObject({ row: 3, cell: 1 });
    expect(locateByte(bytes, bytes.indexOf('os9'), ',')).toMatchObject({ row: 4, cell: 1 });
  });
});

describe('findOversizedRecord', () => {
  it('finds the first record over the limit, line break excluded, quoted breaks included', () => {
    const bytes = Buffer.from('abc\r\n"1\r\n2"\r\nx\r\n1234567');

    expect(findOversizedRecord(bytes, ',', 6)).toEqual({ row: 4, bytes: 7 });
    expect(findOversizedRecord(bytes, ',', 5)).toEqual({ row: 2, bytes: 6 });
    expect(findOversizedRecord(bytes, ',', 7)).toBeNull();
  });
});

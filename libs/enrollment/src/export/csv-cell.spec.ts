import { parse } from 'csv-parse/sync';
import { csvRecord, escapeCsvCell } from './csv-cell';

describe('escapeCsvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","open")', `"'=HYPERLINK(""http://evil.example"",""open"")"`],
    ["=cmd|'/C calc'!A0", `'=cmd|'/C calc'!A0`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1', `'\t=1`],
    ['\rfoo', `"'\rfoo"`],
    ['  =1+1', `'  =1+1`],
    ['\uff1d1+1', `'\uff1d1+1`],
  ])('neutralises a formula cell: %j', (value, escaped) => {
    expect(escapeCsvCell(value)).toBe(escaped);
  });

  it.each([
    ['Prusa-01', 'Prusa-01'],
    ['a,b', '"a,b"'],
    ['a;b', '"a;b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', '" padded "'],
    ['', ''],
  ])('quotes per RFC 4180 only when needed: %j', (value, escaped) => {
    expect(escapeCsvCell(value)).toBe(escaped);
  });

  it('writes null and undefined as empty cells', () => {
    expect(csvRecord([null, undefined, 3])).toBe(',,3');
  });

  it('reads back through an RFC 4180 parser as the same text, quote-prefixed only where dangerous', () => {
    const cells = ['a,b', 'say "hi"', 'two\r\nlines', '=1+1', 'plain', '-x'];

    const [record] = parse(csvRecord(cells)) as string[][];

    expect(record).toEqual(['a,b', 'say "hi"', 'two\r\nlines', "'=1+1", 'plain', "'-x"]);
  });
});

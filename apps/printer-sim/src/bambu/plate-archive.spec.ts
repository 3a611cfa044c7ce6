import { plateProject, readArchiveEntry, writeArchive } from './plate-archive';

describe('plate archive (the .3mf ZIP a Bambu printer prints from)', () => {
  it('reads back the plate G-code it wrote', () => {
    const project = plateProject(120, 2);
    expect(readArchiveEntry(project, 'Metadata/plate_2.gcode')?.toString()).toContain(';TIME:120');
    expect(readArchiveEntry(project, 'Metadata/plate_3.gcode')).toBeNull();
  });

  it('reads entries other tools store uncompressed or deflated', () => {
    const archive = writeArchive([{ name: 'a.txt', data: 'x'.repeat(10_000) }]);
    expect(readArchiveEntry(archive, 'a.txt')?.length).toBe(10_000);
  });

  it('refuses what is not a ZIP and a directory pointing outside the file', () => {
    expect(() => readArchiveEntry(Buffer.from('not a zip at all, just text....'), 'a')).toThrow(RangeError);
    const archive = writeArchive([{ name: 'a.txt', data: 'hello' }]);
    const broken = Buffer.from(archive);
    broken.writeUInt32LE(0xfffffff0, broken.length - 6); // central directory offset past the end
    expect(() => readArchiveEntry(broken, 'a.txt')).toThrow(RangeError);
  });
});

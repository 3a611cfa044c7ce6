import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Just enough ZIP to read a plate's G-code out of a `.3mf` (a ZIP with `Metadata/plate_<n>.gcode`) and, for tests
 * and the demo, to write one. Stored and deflated entries; no ZIP64, no encryption.
 */
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_ENTRY = 0x04034b50;
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

export function readArchiveEntry(archive: Buffer, name: string): Buffer | null {
  const end = findEndOfCentralDirectory(archive);
  if (end < 0) throw new RangeError('not a ZIP archive');
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  for (let index = 0; index < count; index++) {
    if (offset + 46 > archive.length || archive.readUInt32LE(offset) !== CENTRAL_ENTRY) {
      throw new RangeError('broken ZIP directory');
    }
    const method = archive.readUInt16LE(offset + 10);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localOffset = archive.readUInt32LE(offset + 42);
    const entryName = archive.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    if (entryName === name) {
      if (size > MAX_ENTRY_BYTES) throw new RangeError(`${name} is too large`);
      if (localOffset + 30 > archive.length || archive.readUInt32LE(localOffset) !== LOCAL_ENTRY) {
        throw new RangeError('broken ZIP entry');
      }
      const dataStart =
        localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
      const data = archive.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES });
      throw new RangeError(`unsupported ZIP compression method ${method}`);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return null;
}

function findEndOfCentralDirectory(archive: Buffer): number {
  for (let offset = archive.length - 22; offset >= Math.max(0, archive.length - 22 - 0xffff); offset--) {
    if (archive.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  return -1;
}

/** Writes a ZIP of deflated entries. */
export function writeArchive(entries: Array<{ name: string; data: Buffer | string }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
    const compressed = deflateRawSync(data);
    const name = Buffer.from(entry.name, 'utf8');
    const checksum = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_ENTRY, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_ENTRY, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A small Bambu-style project: one plate of G-code the simulator prints for `seconds` simulated seconds. */
export function plateProject(seconds: number, plates = 1): Buffer {
  const entries = [];
  for (let plate = 1; plate <= plates; plate++) {
    entries.push({
      name: `Metadata/plate_${plate}.gcode`,
      data: `; HEADER_BLOCK_START\n; total layer number: 40\n; HEADER_BLOCK_END\n;TIME:${seconds}\n;LAYER_COUNT:40\nM140 S60\nM104 S220\nG28\nG1 X10 Y10 Z0.2\n`,
    });
  }
  entries.push({ name: '[Content_Types].xml', data: '<?xml version="1.0" encoding="UTF-8"?><Types/>' });
  return writeArchive(entries);
}

import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';

import { LocalDiskFileStorage } from '../storage/local-disk-file-storage';
import { BgcodeMetadataReader, writeBgcode } from './bgcode';
import { bgcodeMetadata, storePrintFileUpload, threeMfMetadata } from './print-file';
import { sampleBgcode, sampleThreeMf } from './sample-print-files';
import { bufferReader, readThreeMf, writeZip } from './three-mf';

function chunks(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) parts.push(data.subarray(offset, offset + size));
  return Readable.from(parts);
}

async function readBgcode(data: Buffer, chunkSize = 7) {
  const reader = new BgcodeMetadataReader();
  const out: Buffer[] = [];
  reader.on('data', (chunk: Buffer) => out.push(chunk));
  await pipeline(chunks(data, chunkSize), reader);
  expect(Buffer.concat(out).equals(data)).toBe(true); // the bytes pass through unchanged
  return reader.info;
}

describe('.bgcode metadata (libbgcode layout)', () => {
  it('reads the header and the printer, print and file metadata blocks, byte by byte or whole', async () => {
    const file = sampleBgcode();
    expect(file.subarray(0, 4).toString()).toBe('GCDE');
    for (const size of [1, 7, 4096]) {
      const info = await readBgcode(file, size);
      expect(info).toMatchObject({ version: 1, checksum: 'crc32', thumbnails: 1 });
      expect(info.printer).toMatchObject({ printer_model: 'MK4S', filament_type: 'PETG' });
    }
    expect(bgcodeMetadata(await readBgcode(file))).toMatchObject({
      format: 'bgcode',
      slicer: 'PrusaSlicer',
      slicerVersion: '2.8.1',
      printerModel: 'MK4S',
      material: 'PETG',
      estimatedTimeSeconds: 3723,
      filamentWeightGrams: 3.7,
      filamentLengthMm: 1234.56,
      nozzleDiameterMm: 0.4,
    });
  });

  it('reads uncompressed blocks without checksums', async () => {
    const file = writeBgcode({ checksum: false, deflate: false, printer: { printer_model: 'MINI' }, gcode: 'G28\n' });
    expect(file.readUInt16LE(8)).toBe(0);
    expect((await readBgcode(file)).printer.printer_model).toBe('MINI');
  });

  it('refuses a wrong magic, a failed CRC32 and a file with no G-code block', async () => {
    const file = sampleBgcode();
    const wrongMagic = Buffer.from(file);
    wrongMagic.write('GCDX', 0);
    await expect(readBgcode(wrongMagic)).rejects.toThrow(/GCDE/);
    const corrupt = Buffer.from(file);
    corrupt[30] ^= 0xff; // inside the printer metadata block
    await expect(readBgcode(corrupt)).rejects.toThrow(/CRC32/);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926); // the CRC the spec names (CRC-32/ISO-HDLC)
    await expect(readBgcode(file.subarray(0, 60))).rejects.toThrow(/no G-code block/);
  });
});

describe('project 3MF plates (Bambu Studio / OrcaSlicer)', () => {
  it('reads plates, printer model, filaments per plate with colours and weights', async () => {
    const info = await readThreeMf(bufferReader(sampleThreeMf({ plates: 2, sliced: [2] })));
    expect(info).toMatchObject({ slicer: 'BambuStudio', slicerVersion: '01.09.07.52', printerModel: 'Bambu Lab P1S' });
    expect(info.printerModelId).toBe('C12');
    expect(info.plates.map((plate) => [plate.index, plate.sliced])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(info.plates[1].filaments).toEqual([
      { id: 1, type: 'PLA', color: '#FF0000', usedGrams: 4.5, usedMeters: 1.5 },
      { id: 3, type: 'PETG', color: '#00FF00', usedGrams: 6, usedMeters: 2 },
    ]);
    expect(threeMfMetadata(info)).toMatchObject({
      format: '3mf',
      estimatedTimeSeconds: 3600,
      material: 'PLA',
      materials: ['PLA', 'PETG'],
      filamentWeightGrams: 25,
      printerModel: 'Bambu Lab P1S',
    });
  });

  it('names the printer from its model id when the project settings are missing', async () => {
    const info = await readThreeMf(bufferReader(sampleThreeMf({ modelId: 'N2S', printerModel: null })));
    expect(info.printerModel).toBe('Bambu Lab A1');
  });

  it('refuses an unsliced project and an archive that is not a 3MF', async () => {
    await expect(readThreeMf(bufferReader(sampleThreeMf({ sliced: [] })))).rejects.toThrow(/no sliced plate/);
    await expect(readThreeMf(bufferReader(writeZip({ 'a.txt': 'x' })))).rejects.toThrow(/no 3D model/);
    await expect(readThreeMf(bufferReader(Buffer.from('not a zip at all')))).rejects.toThrow(/no ZIP directory/);
  });
});

describe('storePrintFileUpload', () => {
  let dataDir: string;
  let storage: LocalDiskFileStorage;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'farmhand-printfile-'));
    storage = new LocalDiskFileStorage({ dataDir, durable: false });
  });

  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('stores a .bgcode and a .3mf under their hashes with their metadata', async () => {
    const bgcode = await storePrintFileUpload(chunks(sampleBgcode(), 100), storage, 'bgcode', { maxBytes: 1e6 });
    expect(bgcode.analysis.metadata).toMatchObject({ format: 'bgcode', printerModel: 'MK4S' });
    expect(await storage.exists(bgcode.analysis.sha256)).toBe(true);
    const threeMf = await storePrintFileUpload(chunks(sampleThreeMf(), 100), storage, '3mf', { maxBytes: 1e6 });
    expect(threeMf.analysis.metadata.plates).toHaveLength(2);
    expect(await storage.exists(threeMf.analysis.sha256)).toBe(true);
  });

  it('refuses content that is not what its name says, and keeps no bytes of it', async () => {
    const gcodeNamedBgcode = Readable.from([Buffer.from('G28\nG1 X1\n')]);
    await expect(storePrintFileUpload(gcodeNamedBgcode, storage, 'bgcode', { maxBytes: 1e6 })).rejects.toMatchObject({
      code: 'not_gcode',
    });
    const unsliced = sampleThreeMf({ sliced: [] });
    await expect(storePrintFileUpload(chunks(unsliced, 100), storage, '3mf', { maxBytes: 1e6 })).rejects.toMatchObject({
      code: 'not_gcode',
      message: expect.stringMatching(/sliced/),
    });
    expect(await storage.exists(createHash('sha256').update(unsliced).digest('hex'))).toBe(false);
    await expect(
      storePrintFileUpload(chunks(sampleThreeMf(), 100), storage, '3mf', { maxBytes: 100 }),
    ).rejects.toMatchObject({ code: 'file_too_large' });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { deflateRawSync } from 'node:zlib';
import { LargeGcodeGenerator } from '../../../../test/fixtures/gcode/large-gcode';
import { solidPng } from '../../../../test/fixtures/gcode/images';
import {
  allSlicerSamples,
  bambuStudioX1c,
  curaEnder3,
  curaUltimakerS5,
  orcaSlicerVoron,
  prusaSlicerMk4s,
} from '../../../../test/fixtures/gcode/slicer-samples';
import type { GcodeAnalysis } from './gcode-analysis';
import { analyzeGcode, GcodeAnalyzer, GcodeAnalyzerStream } from './gcode-analyzer';
import { GcodeRejectedError } from './gcode.exception';

function analyzeText(text: string | Buffer, chunkSize?: number): Promise<GcodeAnalysis> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  if (!chunkSize) return analyzeGcode([bytes]);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize)
    chunks.push(bytes.subarray(offset, offset + chunkSize));
  return analyzeGcode(chunks);
}

async function rejection(promise: Promise<unknown>): Promise<GcodeRejectedError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GcodeRejectedError)) throw new Error(`expected a GcodeRejectedError, got ${String(error)}`);
  return error;
}

/** A minimal stored-entry ZIP, as a 3MF starts: local file header, then data. */
function zipWith(name: string, content: string): Buffer {
  const data = deflateRawSync(Buffer.from(content));
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(8, 8);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(content.length, 22);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, Buffer.from(name), data]);
}

describe('GcodeAnalyzer', () => {
  describe('slicer metadata', () => {
    it('reads PrusaSlicer: summary and config block at the end of the file, QOI and PNG thumbnails', async () => {
      const sample = prusaSlicerMk4s();
      const analysis = await analyzeText(sample.text);

      expect(analysis.metadata).toEqual({
        slicer: 'PrusaSlicer',
        slicerVersion: '2.8.1',
        estimatedTimeSeconds: 252,
        filamentLengthMm: 95.32,
        filamentWeightGrams: 0.29,
        material: 'PETG',
        materials: ['PETG'],
        colorHex: null,
        nozzleDiameterMm: 0.4,
        layerHeightMm: 0.2,
        printerModel: 'MK4S',
        extent: { min: { x: 0, y: -4, z: 0.2 }, max: { x: 135, y: 115, z: 0.6 } },
      });
      expect(analysis.thumbnails.map(({ format, width, height }) => ({ format, width, height }))).toEqual([
        { format: 'qoi', width: 16, height: 16 },
        { format: 'png', width: 32, height: 32 },
      ]);
      expect(analysis.thumbnails[1].data.equals(solidPng(32, 32))).toBe(true);
    });

    it('reads OrcaSlicer: header block at the start, config block at the end, arcs in the extent', async () => {
      const analysis = await analyzeText(orcaSlicerVoron().text);

      expect(analysis.metadata).toEqual({
        slicer: 'OrcaSlicer',
        slicerVersion: '2.2.0',
        estimatedTimeSeconds: 754,
        filamentLengthMm: 188.5,
        filamentWeightGrams: 0.47,
        material: 'ABS',
        materials: ['ABS'],
        colorHex: null,
        nozzleDiameterMm: 0.4,
        layerHeightMm: 0.2,
        printerModel: 'Voron 2.4 350',
        extent: { min: { x: 165, y: 165, z: 0.2 }, max: { x: 185, y: 185, z: 0.6 } },
      });
      expect(analysis.thumbnails).toHaveLength(1);
      expect(analysis.thumbnails[0]).toMatchObject({ format: 'png', width: 32, height: 32 });
    });

    it('reads Bambu Studio: total estimated time, per-filament totals summed, only the filaments used', async () => {
      const analysis = await analyzeText(bambuStudioX1c().text);

      expect(analysis.metadata).toEqual({
        slicer: 'BambuStudio',
        slicerVersion: '01.09.07.52',
        estimatedTimeSeconds: 545,
        filamentLengthMm: 150.75,
        filamentWeightGrams: 0.45,
        material: 'PLA',
        materials: ['PLA', 'PLA-CF'],
        colorHex: null,
        nozzleDiameterMm: 0.4,
        layerHeightMm: 0.2,
        printerModel: 'Bambu Lab X1 Carbon',
        extent: { min: { x: 18, y: 1, z: 0.2 }, max: { x: 240, y: 128, z: 0.6 } },
      });
      expect(analysis.thumbnails).toEqual([]);
    });

    it('reads Cura (Marlin flavour): TIME, Filament used in metres, no material, thumbnail script block', async () => {
      const analysis = await analyzeText(curaEnder3().text);

      expect(analysis.metadata).toEqual({
        slicer: 'Cura',
        slicerVersion: '5.5.0',
        estimatedTimeSeconds: 842,
        filamentLengthMm: 451.37,
        filamentWeightGrams: null,
        material: null,
        materials: [],
        colorHex: null,
        nozzleDiameterMm: null,
        layerHeightMm: 0.2,
        printerModel: 'Creality Ender-3 V2',
        extent: { min: { x: 0.1, y: 20, z: 0.2 }, max: { x: 119.8, y: 200, z: 0.6 } },
      });
      expect(analysis.thumbnails).toHaveLength(1);
    });

    it('reads Cura (Griffin flavour): PRINT.TIME, nozzle from the extruder train, material unreadable', async () => {
      const analysis = await analyzeText(curaUltimakerS5().text);

      expect(analysis.metadata).toMatchObject({
        slicer: 'Cura',
        slicerVersion: '5.4.0',
        estimatedTimeSeconds: 480,
        filamentLengthMm: null,
        material: null,
        nozzleDiameterMm: 0.4,
        printerModel: 'UltiMaker S5',
        extent: { min: { x: 9, y: 6, z: 0.27 }, max: { x: 29, y: 26, z: 0.27 } },
      });
    });

    it('picks the materials of the extruders that printed when PrusaSlicer lists several', async () => {
      const text = [
        '; generated by PrusaSlicer 2.8.1+win64 on 2024-10-02 at 08:41:17 UTC',
        'G28',
        '; filament used [mm] = 0.00, 812.40, 0.00, 96.10, 0.00',
        '; filament used [g] = 0.00, 2.44, 0.00, 0.29, 0.00',
        '; total filament used [g] = 3.01',
        '; estimated printing time (normal mode) = 1d 2h 3m 4s',
        '; prusaslicer_config = begin',
        '; filament_type = PLA;PETG;PLA;PVA;ASA',
        '; nozzle_diameter = 0.4,0.6,0.4,0.4,0.4',
        '; printer_model = XL5',
        '; prusaslicer_config = end',
      ].join('\n');

      const { metadata } = await analyzeText(text);

      expect(metadata.materials).toEqual(['PETG', 'PVA']);
      expect(metadata.material).toBe('PETG');
      expect(metadata.nozzleDiameterMm).toBe(0.6);
      expect(metadata.filamentLengthMm).toBe(908.5);
      expect(metadata.filamentWeightGrams).toBe(3.01);
      expect(metadata.estimatedTimeSeconds).toBe(93_784);
    });

    it('reads the colour of the first filament used (PrusaSlicer / OrcaSlicer filament_colour), lower case', async () => {
      const text = [
        '; generated by OrcaSlicer 2.2.0',
        'G28',
        '; filament used [mm] = 0.00, 1210.50',
        '; filament used [g] = 0.00, 3.61',
        '; total filament used [g] = 3.61',
        '; filament_type = PLA;PETG',
        '; filament_colour = #FFFFFF;#FF8000',
      ].join('\n');

      const { metadata } = await analyzeText(text);

      expect(metadata.material).toBe('PETG');
      expect(metadata.colorHex).toBe('#ff8000');
      expect(metadata.filamentWeightGrams).toBe(3.61);
    });

    it('ignores a filament_colour that is not #rrggbb (hostile or unusual text)', async () => {
      const { metadata } = await analyzeText(['; filament_colour = red;<script>', 'G28'].join('\n'));

      expect(metadata.colorHex).toBeNull();
    });

    it('keeps the first value of a key, so a copy in custom G-code cannot override the slicer', async () => {
      const text = ['; filament_type = PLA', 'G28', '; filament_type = NYLON', '; layer_height = 0.28'].join('\n');

      const { metadata } = await analyzeText(text);

      expect(metadata.material).toBe('PLA');
      expect(metadata.layerHeightMm).toBe(0.28);
    });

    it('leaves every field null for G-code without slicer comments', async () => {
      const { metadata, thumbnails } = await analyzeText('G28\nG1 X10 Y10 Z0.3\nG1 X20 E1\n');

      expect(metadata).toEqual({
        slicer: null,
        slicerVersion: null,
        estimatedTimeSeconds: null,
        filamentLengthMm: null,
        filamentWeightGrams: null,
        material: null,
        materials: [],
        colorHex: null,
        nozzleDiameterMm: null,
        layerHeightMm: null,
        printerModel: null,
        extent: { min: { x: 10, y: 10, z: 0.3 }, max: { x: 20, y: 10, z: 0.3 } },
      });
      expect(thumbnails).toEqual([]);
    });

    it('ignores nonsense values instead of storing them', async () => {
      const text = [
        'G28',
        '; estimated printing time (normal mode) = soon',
        '; filament used [mm] = -5',
        '; layer_height = 0',
        '; nozzle_diameter = abc',
        '; printer_model = ""',
      ].join('\n');

      const { metadata } = await analyzeText(text);

      expect(metadata).toMatchObject({
        estimatedTimeSeconds: null,
        filamentLengthMm: null,
        layerHeightMm: null,
        nozzleDiameterMm: null,
        printerModel: null,
      });
    });
  });

  describe('streaming', () => {
    it.each(allSlicerSamples().map((sample) => [sample.name, sample.text] as const))(
      '%s gives the same result in 1-byte, 7-byte and 4 KiB chunks as in one chunk',
      async (_name, text) => {
        const whole = await analyzeText(text);

        for (const size of [1, 7, 4096]) {
          expect(await analyzeText(text, size)).toEqual(whole);
        }
      },
    );

    it('gives the same result whatever the chunk boundaries (random split points)', async () => {
      const bytes = Buffer.from(prusaSlicerMk4s().text);
      const whole = await analyzeText(bytes);
      for (let round = 0; round < 20; round++) {
        const chunks: Buffer[] = [];
        for (let offset = 0; offset < bytes.length;) {
          const size = 1 + (randomBytes(2).readUInt16BE(0) % 300);
          chunks.push(bytes.subarray(offset, offset + size));
          offset += size;
        }

        expect(await analyzeGcode(chunks)).toEqual(whole);
      }
    });

    it('hashes and counts exactly the bytes received', async () => {
      const bytes = Buffer.from(curaEnder3().text);

      const analysis = await analyzeText(bytes, 13);

      expect(analysis.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(analysis.sizeBytes).toBe(bytes.length);
      expect(analysis.lineCount).toBe(bytes.toString().split('\n').length - 1);
    });

    it('reads CRLF files and a UTF-8 byte order mark like plain LF files', async () => {
      const text = orcaSlicerVoron().text;
      const windows = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace(/\n/g, '\r\n'))]);

      const plain = await analyzeText(text);
      const converted = await analyzeText(windows, 5);

      expect(converted.metadata).toEqual(plain.metadata);
      expect(converted.thumbnails).toEqual(plain.thumbnails);
    });

    it('analyses a 50 MB file streamed in 64 KiB chunks with bounded memory', () => {
      const generator = new LargeGcodeGenerator(50 * 1024 * 1024, 64 * 1024, { reuseBuffers: true });
      const analyzer = new GcodeAnalyzer();
      const baseline = process.memoryUsage();
      let peakGrowth = 0;
      let chunkCount = 0;

      for (const chunk of generator.chunks()) {
        analyzer.write(chunk);
        if (++chunkCount % 16 === 0) {
          const now = process.memoryUsage();
          const growth = now.heapUsed - baseline.heapUsed + (now.arrayBuffers - baseline.arrayBuffers);
          peakGrowth = Math.max(peakGrowth, growth);
        }
      }
      const analysis = analyzer.finish();

      expect(generator.bytes).toBeGreaterThanOrEqual(49 * 1024 * 1024);
      expect(analysis.sizeBytes).toBe(generator.bytes);
      expect(analysis.metadata.extent).toEqual({
        min: { x: LargeGcodeGenerator.MIN_XY, y: LargeGcodeGenerator.MIN_XY, z: LargeGcodeGenerator.LAYER_HEIGHT },
        max: { x: LargeGcodeGenerator.MAX_XY, y: LargeGcodeGenerator.MAX_XY, z: generator.topZ },
      });
      expect(analysis.metadata.estimatedTimeSeconds).toBe(93_784);
      // Holding the file (or its lines) would cost at least its 50 MB; the analyzer keeps one partial line. The
      // margin is the generator's own short-lived strings, which the young generation holds until a scavenge.
      expect(peakGrowth).toBeLessThan(32 * 1024 * 1024);
    });

    it('keeps at most maxLineBytes of a line that never ends, and still reads the lines after it', () => {
      const maxLineBytes = 4096;
      const analyzer = new GcodeAnalyzer({ maxLineBytes });
      const head = 'G28\n; printer_model = ';
      const tail = '\n; layer_height = 0.3\nG1 X1 Y1 Z1\nG1 X2 E1\n';
      const filler = Buffer.alloc(1024 * 1024, 'x');
      analyzer.write(head);
      for (let index = 0; index < 20; index++) analyzer.write(filler);
      analyzer.write(tail);

      const analysis = analyzer.finish();

      expect(analysis.metadata.printerModel).toBe('x'.repeat(128));
      expect(analysis.metadata.layerHeightMm).toBe(0.3);
      expect(analysis.metadata.extent).toEqual({ min: { x: 1, y: 1, z: 1 }, max: { x: 2, y: 1, z: 1 } });
      expect(analysis.sizeBytes).toBe(head.length + 20 * filler.length + tail.length);
    });

    it('passes every byte through unchanged as a Transform, and exposes the analysis once finished', async () => {
      const bytes = Buffer.from(prusaSlicerMk4s().text);
      const received: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          received.push(chunk);
          callback();
        },
      });
      const analyzer = new GcodeAnalyzerStream();

      expect(() => analyzer.analysis).toThrow(/before the stream finished/);
      await pipeline(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), analyzer, sink);

      expect(Buffer.concat(received).equals(bytes)).toBe(true);
      expect(analyzer.analysis.metadata.printerModel).toBe('MK4S');
    });
  });

  describe('size cap', () => {
    it('refuses with file_too_large on the chunk that crosses the cap, without reading further', async () => {
      let pulled = 0;
      function* chunks(): Generator<Buffer> {
        for (let index = 0; index < 1000; index++) {
          pulled++;
          yield Buffer.from(`G1 X${index % 10} Y1 Z0.2 E1 ; padding to a hundred bytes`.padEnd(99, '.') + '\n');
        }
      }

      const error = await rejection(analyzeGcode(chunks(), { maxBytes: 1000 }));

      expect(error.code).toBe('file_too_large');
      expect(error.kind).toBe('too_large');
      expect(error.details).toEqual({ limitBytes: 1000 });
      expect(error.message).toMatch(/limit/);
      expect(pulled).toBe(11);
    });

    it('accepts a file of exactly the cap', async () => {
      const bytes = Buffer.from('G28\n'.repeat(250));

      const analysis = await analyzeGcode([bytes], { maxBytes: 1000 });

      expect(analysis.sizeBytes).toBe(1000);
    });

    it('stays failed after a refusal', () => {
      const analyzer = new GcodeAnalyzer({ maxBytes: 10 });

      expect(() => analyzer.write('G28\nG28\nG28\n')).toThrow(GcodeRejectedError);
      expect(() => analyzer.write('G28\n')).toThrow(/larger than/);
      expect(() => analyzer.finish()).toThrow(/larger than/);
    });
  });

  describe('refusing what is not G-code', () => {
    it('refuses a 3MF with a message that says to export G-code', async () => {
      const threeMf = zipWith('3D/3dmodel.model', '<?xml version="1.0"?><model unit="millimeter"></model>');

      const error = await rejection(analyzeText(threeMf));

      expect(error.code).toBe('not_gcode');
      expect(error.details).toEqual({ reason: 'archive' });
      expect(error.message).toMatch(/3MF.*not supported.*Export G-code/i);
    });

    it('refuses a 3MF even when it arrives one byte at a time', async () => {
      const error = await rejection(analyzeText(zipWith('Metadata/plate_1.gcode', 'G28\n'), 1));

      expect(error.details).toEqual({ reason: 'archive' });
    });

    it('refuses PNG bytes as an image', async () => {
      const error = await rejection(analyzeText(solidPng(64, 64)));

      expect(error.code).toBe('not_gcode');
      expect(error.details).toEqual({ reason: 'image' });
    });

    it('refuses binary G-code (.bgcode) with a message saying how to export text G-code', async () => {
      const bgcode = Buffer.concat([Buffer.from('GCDE'), Buffer.from([1, 0, 0, 0, 1, 0]), randomBytes(200)]);

      const error = await rejection(analyzeText(bgcode));

      expect(error.details).toEqual({ reason: 'binary_gcode' });
      expect(error.message).toMatch(/binary G-code/);
    });

    it('refuses random binary data', async () => {
      const error = await rejection(analyzeText(randomBytes(64 * 1024)));

      expect(error.code).toBe('not_gcode');
      expect(error.details).toEqual({ reason: 'binary' });
    });

    it('refuses G-code that hides binary bytes in its first kilobytes', async () => {
      const text = Buffer.from('G28\nG1 X1 Y1 E1\n'.repeat(10));
      text[40] = 0;

      const error = await rejection(analyzeText(text));

      expect(error.details).toEqual({ reason: 'binary' });
    });

    it('refuses an ASCII STL (text, but not G-code)', async () => {
      const facet = [
        'facet normal 0 0 1',
        '  outer loop',
        '    vertex 0 0 0',
        '    vertex 1 0 0',
        '    vertex 1 1 0',
        '  endloop',
        'endfacet',
      ];
      const stl = ['solid cube', ...Array.from({ length: 100 }, () => facet).flat(), 'endsolid cube', ''].join('\n');

      const error = await rejection(analyzeText(stl));

      expect(error.details).toEqual({ reason: 'text' });
    });

    it('refuses a short text file with a stray command-like line', async () => {
      const error = await rejection(analyzeText('Shopping list\nM3 screws\nglue\nfilament\n'));

      expect(error.details).toEqual({ reason: 'text' });
    });

    it('refuses a file of comments only', async () => {
      const error = await rejection(analyzeText('; generated by PrusaSlicer 2.8.1\n; layer_height = 0.2\n'));

      expect(error.details).toEqual({ reason: 'no_commands' });
    });

    it('refuses an empty file', async () => {
      const error = await rejection(analyzeGcode([]));

      expect(error.details).toEqual({ reason: 'empty' });
    });

    it('accepts Klipper macros among the commands', async () => {
      const text = ['PRINT_START EXTRUDER=240 BED=100', 'BED_MESH_CALIBRATE', 'G1 X10 Y10 Z0.2', 'PRINT_END', ''].join(
        '\n',
      );

      await expect(analyzeText(text)).resolves.toMatchObject({ lineCount: 4 });
    });
  });
});

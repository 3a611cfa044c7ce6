import { createHash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { GcodeAnalysis, GcodeMetadata } from '../gcode/gcode-analysis';
import { GcodeRejectedError } from '../gcode/gcode.exception';
import { parseDuration } from '../gcode/slicer-metadata';
import type { FileStorage, StagedUpload } from '../storage/file-storage';
import { BgcodeError, BgcodeMetadataReader } from './bgcode';
import type { BgcodeInfo } from './bgcode';
import { readThreeMf, ThreeMfError } from './three-mf';
import type { RangeReader, ThreeMfInfo } from './three-mf';

/** What a library file is: plain G-code, Prusa binary G-code, or a Bambu/Orca project 3MF with sliced plates. */
export type PrintFileFormat = 'gcode' | 'bgcode' | '3mf';

/** The format a (sanitized) file name says. */
export function printFileFormatOf(name: string): PrintFileFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.bgcode')) return 'bgcode';
  if (lower.endsWith('.3mf')) return '3mf';
  return 'gcode';
}

/** The format recorded in a file's metadata (rows from before formats were read are G-code). */
export function formatOfMetadata(metadata: Pick<GcodeMetadata, 'format'> | null | undefined): PrintFileFormat {
  return metadata?.format ?? 'gcode';
}

const round = (value: number | null, digits: number) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

function numbers(value: string | undefined): number[] {
  if (!value) return [];
  return value
    .split(/[,;]/)
    .map((part) => Number(part.trim()))
    .filter((number) => Number.isFinite(number) && number >= 0);
}

function total(value: string | undefined): number | null {
  const list = numbers(value);
  return list.length ? list.reduce((sum, number) => sum + number, 0) : null;
}

/** GcodeMetadata from a `.bgcode`'s metadata blocks (PrusaSlicer's key names). */
export function bgcodeMetadata(info: BgcodeInfo): GcodeMetadata {
  const all = { ...info.slicer, ...info.print, ...info.printer };
  const producer = /^(\S+)\s+(\S+)/.exec(info.file.Producer ?? info.file.producer ?? '');
  const materials = (all.filament_type ?? '')
    .split(';')
    .map((type) => type.trim())
    .filter(Boolean)
    .map((type) => type.slice(0, 50));
  const time =
    all['estimated printing time (normal mode)'] ?? all['estimated printing time'] ?? all.estimated_printing_time;
  return {
    format: 'bgcode',
    slicer: producer?.[1] ?? null,
    slicerVersion: producer?.[2] ?? null,
    estimatedTimeSeconds: time ? parseDuration(time) : null,
    filamentLengthMm: round(total(all['filament used [mm]']), 2),
    filamentWeightGrams: round(total(all['filament used [g]']), 2),
    material: materials[0] ?? null,
    materials: [...new Set(materials)],
    colorHex: firstColor(all.filament_colour),
    nozzleDiameterMm: numbers(all.nozzle_diameter)[0] ?? null,
    layerHeightMm: numbers(all.layer_height)[0] ?? null,
    printerModel: all.printer_model?.slice(0, 100) || null,
    extent: null,
  };
}

/** GcodeMetadata from a project 3MF: the first sliced plate's time, filaments and weight; every plate listed. */
export function threeMfMetadata(info: ThreeMfInfo): GcodeMetadata {
  const plate = info.plates.find((candidate) => candidate.sliced) ?? info.plates[0];
  const materials = (plate?.filaments ?? []).map((filament) => filament.type).filter((type): type is string => !!type);
  const grams = plate?.filaments.map((filament) => filament.usedGrams).filter((g): g is number => g !== null) ?? [];
  const meters = plate?.filaments.map((filament) => filament.usedMeters).filter((m): m is number => m !== null) ?? [];
  return {
    format: '3mf',
    slicer: info.slicer,
    slicerVersion: info.slicerVersion,
    estimatedTimeSeconds: plate?.estimatedTimeSeconds ?? null,
    filamentLengthMm: meters.length ? round(meters.reduce((a, b) => a + b, 0) * 1000, 2) : null,
    filamentWeightGrams:
      plate?.weightGrams ??
      (grams.length
        ? round(
            grams.reduce((a, b) => a + b, 0),
            2,
          )
        : null),
    material: materials[0] ?? null,
    materials: [...new Set(materials)],
    colorHex: firstColor(plate?.filaments.find((filament) => filament.color)?.color),
    nozzleDiameterMm: plate?.nozzleDiameterMm ?? null,
    layerHeightMm: null,
    printerModel: info.printerModel,
    extent: null,
    plates: info.plates.map((entry) => ({
      index: entry.index,
      sliced: entry.sliced,
      estimatedTimeSeconds: entry.estimatedTimeSeconds,
      weightGrams: entry.weightGrams,
      filaments: entry.filaments,
    })),
  };
}

/** Hashes, counts and limits the bytes on their way to storage. */
class HashingLimit extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  private head: Buffer = Buffer.alloc(0);

  constructor(
    private readonly maxBytes: number,
    private readonly magic: Buffer | null,
    private readonly wrongMagic: () => Error,
  ) {
    super();
  }

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return callback(GcodeRejectedError.tooLarge(this.maxBytes));
    if (this.magic && this.head.length < this.magic.length) {
      this.head = Buffer.concat([this.head, chunk]).subarray(0, this.magic.length);
      if (this.head.length === this.magic.length && !this.head.equals(this.magic)) return callback(this.wrongMagic());
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.size === 0) return callback(GcodeRejectedError.notGcode('empty', 'The file is empty'));
    if (this.magic && this.head.length < this.magic.length) return callback(this.wrongMagic());
    callback();
  }
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** A RangeReader over stored bytes. */
function storageReader(storage: FileStorage, sha256: string, size: number): RangeReader {
  return {
    size,
    async read(start, length) {
      if (length <= 0) return Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for await (const chunk of await storage.openRead(sha256, { start, end: Math.min(size, start + length) - 1 })) {
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    },
  };
}

/**
 * Stores a `.bgcode` or `.3mf` upload and reads its metadata: the `.bgcode` on the way (its metadata blocks precede
 * the moves), the 3MF once stored (its ZIP directory is at the end), through ranged reads. Content that is not what
 * its name says is refused as `not_gcode` and its bytes discarded (or deleted, when they were new).
 */
export async function storePrintFileUpload(
  source: Readable | AsyncIterable<Uint8Array>,
  storage: FileStorage,
  format: Exclude<PrintFileFormat, 'gcode'>,
  options: { maxBytes: number; signal?: AbortSignal },
): Promise<{ analysis: GcodeAnalysis; duplicate: boolean }> {
  const ignore = (): void => undefined;
  if (source instanceof Readable) source.on('error', ignore);
  let staged: StagedUpload;
  try {
    staged = await storage.stage();
  } catch (error) {
    if (source instanceof Readable) source.destroy();
    throw error;
  } finally {
    if (source instanceof Readable) source.off('error', ignore);
  }
  const limit =
    format === 'bgcode'
      ? new HashingLimit(options.maxBytes, Buffer.from('GCDE'), () =>
          GcodeRejectedError.notGcode('binary', 'Not a .bgcode: the file does not start with GCDE'),
        )
      : new HashingLimit(options.maxBytes, ZIP_MAGIC, () =>
          GcodeRejectedError.notGcode('archive', 'Not a 3MF: the file is not a ZIP archive'),
        );
  const reader = format === 'bgcode' ? new BgcodeMetadataReader() : null;
  let committed: { duplicate: boolean };
  try {
    const streams = reader ? [limit, reader] : [limit];
    await pipeline([source, ...streams, staged.stream] as never, options.signal ? { signal: options.signal } : {});
    committed = await staged.commit(limit.sha256);
  } catch (error) {
    await staged.discard();
    if (error instanceof BgcodeError) throw GcodeRejectedError.notGcode('binary', error.message);
    throw error;
  }
  const analysis = (metadata: GcodeMetadata): GcodeAnalysis => ({
    sha256: limit.sha256,
    sizeBytes: limit.size,
    lineCount: 0,
    metadata,
    thumbnails: [],
  });
  if (reader) return { analysis: analysis(bgcodeMetadata(reader.info)), duplicate: committed.duplicate };
  try {
    const info = await readThreeMf(storageReader(storage, limit.sha256, limit.size));
    return { analysis: analysis(threeMfMetadata(info)), duplicate: committed.duplicate };
  } catch (error) {
    if (!committed.duplicate) await storage.delete(limit.sha256).catch(() => undefined);
    if (error instanceof ThreeMfError) throw GcodeRejectedError.notGcode('archive', error.message);
    throw error;
  }
}

/** `#rrggbb` (lower case) of the first colour in a slicer's `;`-separated list (`#RRGGBB` or `#RRGGBBAA`), or null. */
function firstColor(value: string | null | undefined): string | null {
  const match = /#([0-9a-f]{6})(?:[0-9a-f]{2})?\b/i.exec(value ?? '');
  return match ? `#${match[1]!.toLowerCase()}` : null;
}

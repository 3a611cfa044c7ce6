import { Transform, type TransformCallback } from 'node:stream';
import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * Prusa binary G-code (`.bgcode`, libbgcode's specification): a 10-byte file header (magic `GCDE`, version uint32,
 * checksum type uint16: 0 none, 1 CRC32), then blocks, each a header (type uint16, compression uint16, uncompressed
 * size uint32, compressed size uint32 when compressed), its parameters (encoding uint16; thumbnails: format, width,
 * height), the data, and a CRC32 of header + parameters + data when the file has checksums. Little-endian.
 * Metadata blocks (file, printer, print, slicer) come before the first G-code block and hold `key=value` lines
 * (INI encoding); the reader here keeps them and stops at the first G-code block, never holding the moves.
 */

export const BGCODE_MAGIC = Buffer.from('GCDE', 'latin1');

export const BGCODE_BLOCK = {
  fileMetadata: 0,
  gcode: 1,
  slicerMetadata: 2,
  printerMetadata: 3,
  printMetadata: 4,
  thumbnail: 5,
} as const;

export const BGCODE_COMPRESSION = { none: 0, deflate: 1, heatshrink11: 2, heatshrink12: 3 } as const;

/** Largest metadata block kept (a slicer metadata block with the whole config is some tens of KiB). */
const MAX_METADATA_BYTES = 1024 * 1024;

export class BgcodeError extends Error {}

export interface BgcodeInfo {
  version: number;
  checksum: 'none' | 'crc32';
  /** `key=value` pairs per metadata block, as written (file, printer, print, slicer). */
  file: Record<string, string>;
  printer: Record<string, string>;
  print: Record<string, string>;
  slicer: Record<string, string>;
  thumbnails: number;
  /** Metadata blocks compressed with heatshrink are skipped (no decoder here); their names are listed. */
  skipped: string[];
}

const BLOCK_NAMES: Record<number, keyof Pick<BgcodeInfo, 'file' | 'printer' | 'print' | 'slicer'>> = {
  [BGCODE_BLOCK.fileMetadata]: 'file',
  [BGCODE_BLOCK.printerMetadata]: 'printer',
  [BGCODE_BLOCK.printMetadata]: 'print',
  [BGCODE_BLOCK.slicerMetadata]: 'slicer',
};

/**
 * A pass-through stream that reads the metadata of a `.bgcode` on the way (the bytes go on unchanged to storage):
 * the header is checked at once, metadata blocks are collected (CRC checked), thumbnails skipped, and after the first
 * G-code block the rest only flows through. `info` is ready once the stream ends; a file that ends before a G-code
 * block, or whose header or checksums are wrong, fails the stream with a BgcodeError.
 */
export class BgcodeMetadataReader extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  private done = false;
  private skipBytes = 0;
  private checksumSize = 0;
  private readonly result: BgcodeInfo = {
    version: 0,
    checksum: 'none',
    file: {},
    printer: {},
    print: {},
    slicer: {},
    thumbnails: 0,
    skipped: [],
  };
  private headerRead = false;

  get info(): BgcodeInfo {
    if (!this.done) throw new BgcodeError('the .bgcode has not been read to its first G-code block');
    return this.result;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.push(chunk);
    if (this.done) return callback();
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (!this.done) return callback(new BgcodeError('Not a complete .bgcode: no G-code block was found'));
    callback();
  }

  private consume(chunk: Buffer): void {
    if (this.skipBytes > 0) {
      const skipped = Math.min(this.skipBytes, chunk.length);
      this.skipBytes -= skipped;
      chunk = chunk.subarray(skipped);
    }
    if (chunk.length === 0) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.headerRead) {
        if (this.buffer.length < 10) return;
        if (!this.buffer.subarray(0, 4).equals(BGCODE_MAGIC)) throw new BgcodeError('Not a .bgcode: no GCDE magic');
        this.result.version = this.buffer.readUInt32LE(4);
        if (this.result.version !== 1) throw new BgcodeError(`Unsupported .bgcode version ${this.result.version}`);
        const checksum = this.buffer.readUInt16LE(8);
        if (checksum > 1) throw new BgcodeError(`Unknown .bgcode checksum type ${checksum}`);
        this.result.checksum = checksum === 1 ? 'crc32' : 'none';
        this.checksumSize = checksum === 1 ? 4 : 0;
        this.headerRead = true;
        this.buffer = this.buffer.subarray(10);
        continue;
      }
      if (this.buffer.length < 8) return;
      const type = this.buffer.readUInt16LE(0);
      const compression = this.buffer.readUInt16LE(2);
      const uncompressed = this.buffer.readUInt32LE(4);
      if (type > 5) throw new BgcodeError(`Not a .bgcode: unknown block type ${type}`);
      if (compression > 3) throw new BgcodeError(`Not a .bgcode: unknown compression ${compression}`);
      const headerSize = compression === 0 ? 8 : 12;
      if (this.buffer.length < headerSize) return;
      const dataSize = compression === 0 ? uncompressed : this.buffer.readUInt32LE(8);
      const paramsSize = type === BGCODE_BLOCK.thumbnail ? 6 : 2;
      const total = headerSize + paramsSize + dataSize + this.checksumSize;
      if (type === BGCODE_BLOCK.gcode) {
        this.done = true;
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (type === BGCODE_BLOCK.thumbnail) {
        this.result.thumbnails++;
        // Thumbnails are skipped without being held: only what is buffered already is dropped.
        if (this.buffer.length >= total) {
          this.buffer = this.buffer.subarray(total);
          continue;
        }
        this.skipBytes = total - this.buffer.length;
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (dataSize > MAX_METADATA_BYTES || uncompressed > MAX_METADATA_BYTES) {
        throw new BgcodeError('Not a usable .bgcode: a metadata block is too large');
      }
      if (this.buffer.length < total) return;
      const block = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      if (this.checksumSize) {
        const expected = block.readUInt32LE(total - 4);
        if (crc32(block.subarray(0, total - 4)) !== expected) {
          throw new BgcodeError('Corrupt .bgcode: a metadata block fails its CRC32');
        }
      }
      const encoding = block.readUInt16LE(headerSize);
      const data = block.subarray(headerSize + paramsSize, headerSize + paramsSize + dataSize);
      const name = BLOCK_NAMES[type];
      if (compression === BGCODE_COMPRESSION.none || compression === BGCODE_COMPRESSION.deflate) {
        let text: Buffer;
        try {
          text = compression === 0 ? data : inflateSync(data, { maxOutputLength: MAX_METADATA_BYTES });
        } catch {
          throw new BgcodeError('Corrupt .bgcode: a metadata block does not inflate');
        }
        if (encoding === 0) Object.assign(this.result[name], parseIni(text.toString('utf8')));
        else this.result.skipped.push(name);
      } else this.result.skipped.push(name);
    }
  }
}

function parseIni(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().slice(0, 200);
    if (key && !(key in values))
      values[key] = line
        .slice(eq + 1)
        .trim()
        .slice(0, 2_000);
  }
  return values;
}

/** Writes a `.bgcode` (for tests and the simulator): metadata blocks (deflated or not), then one G-code block. */
export function writeBgcode(options: {
  checksum?: boolean;
  deflate?: boolean;
  file?: Record<string, string>;
  printer?: Record<string, string>;
  print?: Record<string, string>;
  slicer?: Record<string, string>;
  thumbnail?: Buffer;
  gcode: string;
}): Buffer {
  const checksum = options.checksum !== false;
  const parts: Buffer[] = [];
  const header = Buffer.alloc(10);
  BGCODE_MAGIC.copy(header, 0);
  header.writeUInt32LE(1, 4);
  header.writeUInt16LE(checksum ? 1 : 0, 8);
  parts.push(header);
  const block = (type: number, params: Buffer, raw: Buffer, deflate: boolean) => {
    const data = deflate ? deflateRaw(raw) : raw;
    const head = Buffer.alloc(deflate ? 12 : 8);
    head.writeUInt16LE(type, 0);
    head.writeUInt16LE(deflate ? BGCODE_COMPRESSION.deflate : BGCODE_COMPRESSION.none, 2);
    head.writeUInt32LE(raw.length, 4);
    if (deflate) head.writeUInt32LE(data.length, 8);
    const body = Buffer.concat([head, params, data]);
    parts.push(body);
    if (checksum) {
      const crc = Buffer.alloc(4);
      crc.writeUInt32LE(crc32(body), 0);
      parts.push(crc);
    }
  };
  const ini = (values: Record<string, string>) =>
    Buffer.from(
      Object.entries(values)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
  const encoding = Buffer.alloc(2); // 0: INI
  const deflate = options.deflate !== false;
  if (options.file) block(BGCODE_BLOCK.fileMetadata, encoding, ini(options.file), deflate);
  block(BGCODE_BLOCK.printerMetadata, encoding, ini(options.printer ?? {}), deflate);
  if (options.thumbnail) {
    const params = Buffer.alloc(6);
    params.writeUInt16LE(0, 0); // PNG
    params.writeUInt16LE(16, 2);
    params.writeUInt16LE(16, 4);
    block(BGCODE_BLOCK.thumbnail, params, options.thumbnail, false);
  }
  block(BGCODE_BLOCK.printMetadata, encoding, ini(options.print ?? {}), deflate);
  block(BGCODE_BLOCK.slicerMetadata, encoding, ini(options.slicer ?? {}), deflate);
  block(BGCODE_BLOCK.gcode, encoding, Buffer.from(options.gcode), deflate);
  return Buffer.concat(parts);
}

/** libbgcode's "deflate" is zlib's stream format (header + adler32), as inflateSync reads. */
function deflateRaw(data: Buffer): Buffer {
  return deflateSync(data);
}

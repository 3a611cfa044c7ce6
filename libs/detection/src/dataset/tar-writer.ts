import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

const BLOCK = 512;

function field(header: Buffer, value: string, offset: number, length: number): void {
  header.write(value, offset, Math.min(Buffer.byteLength(value), length), 'utf8');
}

function octal(header: Buffer, value: number, offset: number, length: number): void {
  field(header, value.toString(8).padStart(length - 1, '0') + '\0', offset, length);
}

/** A POSIX ustar header for a regular file (names up to 100 bytes: the callers use short ASCII names). */
export function ustarHeader(name: string, size: number, mtime: Date): Buffer {
  if (Buffer.byteLength(name) > 100 || !/^[\x21-\x7e]+$/.test(name))
    throw new Error(`unsuitable tar entry name ${name}`);
  if (!Number.isSafeInteger(size) || size < 0 || size >= 8 ** 11) throw new Error(`unsuitable tar entry size ${size}`);
  const header = Buffer.alloc(BLOCK, 0);
  field(header, name, 0, 100);
  octal(header, 0o644, 100, 8);
  octal(header, 0, 108, 8);
  octal(header, 0, 116, 8);
  octal(header, size, 124, 12);
  octal(header, Math.floor(mtime.getTime() / 1000), 136, 12);
  header.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  field(header, '0', 156, 1);
  field(header, 'ustar\0', 257, 6);
  field(header, '00', 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(header, sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return header;
}

/**
 * Writes an uncompressed tar to `out` entry by entry, honouring backpressure, so an archive of any size passes
 * through with one entry's chunk in memory at a time.
 */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  async addBuffer(name: string, data: Buffer, mtime = new Date()): Promise<void> {
    await this.write(ustarHeader(name, data.length, mtime));
    await this.write(data);
    await this.pad(data.length);
  }

  /** `size` must be the exact byte count `source` yields (the header is written first). */
  async addStream(name: string, size: number, source: Readable, mtime = new Date()): Promise<void> {
    await this.write(ustarHeader(name, size, mtime));
    let written = 0;
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      const part = buffer.subarray(0, Math.max(0, size - written));
      written += part.length;
      await this.write(part);
    }
    if (written !== size) throw new Error(`tar entry ${name}: expected ${size} bytes, read ${written}`);
    await this.pad(size);
  }

  async finish(): Promise<void> {
    await this.write(Buffer.alloc(2 * BLOCK, 0));
  }

  private async pad(size: number): Promise<void> {
    const rest = size % BLOCK;
    if (rest) await this.write(Buffer.alloc(BLOCK - rest, 0));
  }

  private async write(chunk: Buffer): Promise<void> {
    if (this.out.destroyed) throw new Error('the archive reader went away');
    if (!this.out.write(chunk)) await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
  }
}

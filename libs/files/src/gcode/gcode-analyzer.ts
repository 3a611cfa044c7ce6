import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { SNIFF_BYTES, sniffContent } from './content-sniffer';
import { ExtentTracker } from './extent-tracker';
import type { GcodeAnalysis } from './gcode-analysis';
import { GcodeRejectedError } from './gcode.exception';
import { SlicerMetadataCollector } from './slicer-metadata';
import { DEFAULT_THUMBNAIL_LIMITS, ThumbnailCollector, type ThumbnailLimits } from './thumbnail-collector';

/** 500 MiB: the default upload cap. */
export const DEFAULT_MAX_GCODE_BYTES = 500 * 1024 * 1024;
/** Longer lines are cut (hashing still sees every byte). Bambu Studio's config lines reach about 10 KiB. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export interface GcodeAnalyzerOptions {
  /** Refuse with `file_too_large` as soon as more bytes than this arrive. */
  maxBytes?: number;
  maxLineBytes?: number;
  thumbnails?: Partial<ThumbnailLimits>;
}

/** The text check runs once this many non-comment lines were seen (and again at the end). */
const TEXT_CHECK_LINES = 256;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const STAR = 0x2a;
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, exponent) => 10 ** exponent);

const WORD_X = 1;
const WORD_Y = 2;
const WORD_Z = 4;

/**
 * Reads G-code once, chunk by chunk, and computes at the same time its sha256, size, slicer metadata, the extent
 * of its extruding moves and its embedded thumbnails. Memory stays bounded whatever the file: one partial line
 * (at most `maxLineBytes`), the first 4 KiB while the content is sniffed, and the thumbnails (capped).
 *
 * Synchronous and stream-free so it can sit in any pipeline; see GcodeAnalyzerStream and analyzeGcode.
 * `write` and `finish` throw GcodeRejectedError for content that is not G-code or too large; after a throw the
 * analyzer stays failed.
 */
export class GcodeAnalyzer {
  private readonly maxBytes: number;
  private readonly maxLineBytes: number;
  private readonly hash: Hash = createHash('sha256');
  private readonly metadata = new SlicerMetadataCollector();
  private readonly extent = new ExtentTracker();
  private readonly thumbnails: ThumbnailCollector;

  private bytes = 0;
  private lines = 0;
  private commandLines = 0;
  private foreignLines = 0;
  private textChecked = false;
  private sniffing = true;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private carry: Buffer | null = null;
  private carryLength = 0;
  private carryTruncated = false;
  private failure: Error | null = null;
  private finished = false;

  // Words of the command being parsed, kept on the instance so the hot path allocates nothing.
  private wordMask = 0;
  private wordX = NaN;
  private wordY = NaN;
  private wordZ = NaN;
  private wordE = NaN;
  private wordI = NaN;
  private wordJ = NaN;
  private wordR = NaN;

  constructor(options: GcodeAnalyzerOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_GCODE_BYTES;
    this.maxLineBytes = Math.max(256, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.thumbnails = new ThumbnailCollector({ ...DEFAULT_THUMBNAIL_LIMITS, ...options.thumbnails });
  }

  get bytesReceived(): number {
    return this.bytes;
  }

  write(input: Uint8Array | string): void {
    if (this.failure !== null) throw this.failure;
    if (this.finished) throw new Error('GcodeAnalyzer.write after finish');
    const chunk = toBuffer(input);
    if (chunk.length === 0) return;
    try {
      if (this.bytes + chunk.length > this.maxBytes) throw GcodeRejectedError.tooLarge(this.maxBytes);
      this.bytes += chunk.length;
      this.hash.update(chunk);
      if (this.sniffing) {
        const enough = this.pendingBytes + chunk.length >= SNIFF_BYTES;
        // Chunks kept past this call are copied: the caller may reuse its buffer.
        this.pending.push(enough ? chunk : Buffer.from(chunk));
        this.pendingBytes += chunk.length;
        if (enough) this.endSniff();
        return;
      }
      this.processChunk(chunk);
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      throw this.failure;
    }
  }

  finish(): GcodeAnalysis {
    if (this.failure !== null) throw this.failure;
    if (this.finished) throw new Error('GcodeAnalyzer.finish called twice');
    try {
      if (this.bytes === 0) throw GcodeRejectedError.notGcode('empty', 'The file is empty');
      if (this.sniffing) this.endSniff();
      if (this.carryLength > 0 || this.carryTruncated) {
        this.processLine(this.carry!, 0, this.carryLength);
        this.carryLength = 0;
        this.carryTruncated = false;
      }
      this.checkText();
      if (this.commandLines === 0) {
        throw GcodeRejectedError.notGcode('no_commands', 'Not G-code: the file contains no G-code commands');
      }
      this.finished = true;
      return {
        sha256: this.hash.digest('hex'),
        sizeBytes: this.bytes,
        lineCount: this.lines,
        metadata: this.metadata.metadata(this.extent.extent()),
        thumbnails: this.thumbnails.result(),
      };
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      throw this.failure;
    }
  }

  private endSniff(): void {
    const joined = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.sniffing = false;
    sniffContent(joined.subarray(0, SNIFF_BYTES));
    const bom = joined.length >= 3 && joined[0] === 0xef && joined[1] === 0xbb && joined[2] === 0xbf;
    this.processChunk(bom ? joined.subarray(3) : joined);
  }

  private processChunk(chunk: Buffer): void {
    let start = 0;
    if (this.carryLength > 0 || this.carryTruncated) {
      const newline = chunk.indexOf(LF);
      if (newline === -1) {
        this.appendCarry(chunk, 0, chunk.length);
        return;
      }
      this.appendCarry(chunk, 0, newline);
      this.processLine(this.carry!, 0, this.carryLength);
      this.carryLength = 0;
      this.carryTruncated = false;
      start = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(LF, start);
      if (newline === -1) break;
      this.processLine(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) this.appendCarry(chunk, start, chunk.length);
  }

  private appendCarry(chunk: Buffer, from: number, to: number): void {
    const take = Math.min(this.maxLineBytes - this.carryLength, to - from);
    if (take > 0) {
      this.carry ??= Buffer.allocUnsafe(this.maxLineBytes);
      chunk.copy(this.carry, this.carryLength, from, from + take);
      this.carryLength += take;
    }
    if (take < to - from) this.carryTruncated = true;
  }

  private processLine(line: Buffer, start: number, end: number): void {
    this.lines++;
    // Cut here too, so a long line gives the same result whether it came in one chunk or many.
    if (end - start > this.maxLineBytes) end = start + this.maxLineBytes;
    if (end > start && line[end - 1] === CR) end--;
    let position = start;
    while (position < end && (line[position] === SPACE || line[position] === TAB)) position++;
    if (position >= end) return;
    let byte = line[position];
    if (byte === SEMICOLON) {
      this.comment(line, position + 1, end);
      return;
    }
    if (this.thumbnails.active) this.thumbnails.interrupt();

    if ((byte | 0x20) === 0x6e && position + 1 < end && isDigit(line[position + 1])) {
      // A line number (N123) as hosts send them: skip it.
      position++;
      while (position < end && isDigit(line[position])) position++;
      while (position < end && (line[position] === SPACE || line[position] === TAB)) position++;
      if (position >= end) return;
      byte = line[position]!;
    }

    const letter = byte | 0x20;
    if ((letter === 0x67 || letter === 0x6d || letter === 0x74) && position + 1 < end && isDigit(line[position + 1])) {
      this.commandLines++;
      if (letter === 0x74) return; // T<n>: tool change, nothing to track
      let cursor = position + 1;
      let code = 0;
      while (cursor < end && isDigit(line[cursor]) && code < 100_000) code = code * 10 + (line[cursor++] - 0x30);
      if (cursor < end && line[cursor] === DOT) return; // G29.1, M620.1: sub-codes are neither moves nor modes
      if (letter === 0x67) this.gCommand(code, line, cursor, end);
      else if (code === 82) this.extent.setRelativeExtrusion(false);
      else if (code === 83) this.extent.setRelativeExtrusion(true);
      return;
    }

    if (!isMacroName(line, position, end)) this.foreignLines++;
    if (!this.textChecked && this.commandLines + this.foreignLines >= TEXT_CHECK_LINES) this.checkText();
  }

  /** Refuses text that is mostly not G-code (an ASCII STL, a CSV, a README): more foreign lines than commands. */
  private checkText(): void {
    this.textChecked = true;
    if (this.foreignLines > this.commandLines) {
      throw GcodeRejectedError.notGcode('text', 'Not G-code: most lines are not G-code commands');
    }
  }

  private comment(line: Buffer, start: number, end: number): void {
    let position = start;
    while (position < end && (line[position] === SPACE || line[position] === TAB)) position++;
    if (this.thumbnails.active) {
      this.thumbnails.line(line.toString('latin1', position, end));
      return;
    }
    if (
      (line[position] | 0x20) === 0x74 &&
      end - position > 15 &&
      line.toString('latin1', position, position + 9).toLowerCase() === 'thumbnail'
    ) {
      if (this.thumbnails.begin(line.toString('latin1', position, Math.min(end, position + 80)))) return;
    }
    this.metadata.acceptComment(line, position, end);
  }

  private gCommand(code: number, line: Buffer, start: number, end: number): void {
    switch (code) {
      case 0:
      case 1:
        this.parseWords(line, start, end);
        this.extent.linear(this.wordX, this.wordY, this.wordZ, this.wordE);
        return;
      case 2:
      case 3:
        this.parseWords(line, start, end);
        this.extent.arc(code === 2, this.wordX, this.wordY, this.wordZ, this.wordE, this.wordI, this.wordJ, this.wordR);
        return;
      case 20:
      case 21:
        this.extent.setInches(code === 20);
        return;
      case 28:
        this.parseWords(line, start, end);
        this.extent.home(
          (this.wordMask & WORD_X) !== 0,
          (this.wordMask & WORD_Y) !== 0,
          (this.wordMask & WORD_Z) !== 0,
        );
        return;
      case 90:
      case 91:
        this.extent.setAbsolutePositioning(code === 90);
        return;
      case 92:
        this.parseWords(line, start, end);
        this.extent.setPosition(this.wordX, this.wordY, this.wordZ, this.wordE);
        return;
    }
  }

  /**
   * Reads the words of a command (`X10.5 Y-3 E.02`) into the word fields, NaN for absent ones. Numbers are decimal
   * without exponent (`E` is an axis); parsed by hand because this loop runs for nearly every byte of the file.
   */
  private parseWords(line: Buffer, start: number, end: number): void {
    let mask = 0;
    let x = NaN;
    let y = NaN;
    let z = NaN;
    let e = NaN;
    let i = NaN;
    let j = NaN;
    let r = NaN;
    let position = start;
    while (position < end) {
      const byte = line[position];
      if (byte === SEMICOLON || byte === STAR) break;
      position++;
      const letter = byte | 0x20;
      if (letter < 0x61 || letter > 0x7a) continue;

      let negative = false;
      if (position < end) {
        const sign = line[position];
        if (sign === MINUS) {
          negative = true;
          position++;
        } else if (sign === PLUS) {
          position++;
        }
      }
      let mantissa = 0;
      let digits = 0;
      let fractionDigits = 0;
      let dot = false;
      for (; position < end; position++) {
        const digit = line[position] - 0x30;
        if (digit >= 0 && digit <= 9) {
          if (digits < 15) {
            mantissa = mantissa * 10 + digit;
            digits++;
            if (dot) fractionDigits++;
          } else if (!dot) {
            mantissa *= 10;
          }
        } else if (digit === DOT - 0x30 && !dot) {
          dot = true;
        } else {
          break;
        }
      }
      let value = NaN;
      if (digits > 0) {
        value = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
        if (negative) value = -value;
      }

      switch (letter) {
        case 0x78:
          x = value;
          mask |= WORD_X;
          break;
        case 0x79:
          y = value;
          mask |= WORD_Y;
          break;
        case 0x7a:
          z = value;
          mask |= WORD_Z;
          break;
        case 0x65:
          e = value;
          break;
        case 0x69:
          i = value;
          break;
        case 0x6a:
          j = value;
          break;
        case 0x72:
          r = value;
          break;
      }
    }
    this.wordMask = mask;
    this.wordX = x;
    this.wordY = y;
    this.wordZ = z;
    this.wordE = e;
    this.wordI = i;
    this.wordJ = j;
    this.wordR = r;
  }
}

/**
 * A pass-through Transform: put it between the upload and the file it is written to, and read `analysis` once the
 * pipeline has finished. Errors (GcodeRejectedError) abort the pipeline.
 */
export class GcodeAnalyzerStream extends Transform {
  private readonly analyzer: GcodeAnalyzer;
  private outcome: GcodeAnalysis | null = null;

  constructor(options: GcodeAnalyzerOptions = {}) {
    super();
    this.analyzer = new GcodeAnalyzer(options);
  }

  get analysis(): GcodeAnalysis {
    if (!this.outcome) throw new Error('GcodeAnalyzerStream.analysis read before the stream finished');
    return this.outcome;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.analyzer.write(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.outcome = this.analyzer.finish();
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }
}

/** Consumes `source` (a Readable, an async generator...) once and returns its analysis. */
export async function analyzeGcode(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: GcodeAnalyzerOptions = {},
): Promise<GcodeAnalysis> {
  const analyzer = new GcodeAnalyzer(options);
  for await (const chunk of source) analyzer.write(chunk);
  return analyzer.finish();
}

function toBuffer(input: Uint8Array | string): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (Buffer.isBuffer(input)) return input;
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** Klipper and RepRapFirmware macros (`PRINT_START EXTRUDER=215`, `EXCLUDE_OBJECT_DEFINE ...`) are G-code too. */
function isMacroName(line: Buffer, start: number, end: number): boolean {
  let position = start;
  const first = line[position];
  if (!((first >= 0x41 && first <= 0x5a) || first === 0x5f)) return false;
  for (position++; position < end; position++) {
    const byte = line[position];
    if ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x5f) continue;
    return byte === SPACE || byte === TAB || byte === SEMICOLON;
  }
  return true;
}

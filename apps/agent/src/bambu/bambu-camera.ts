import type { CertificatePins } from '../backend/backend-target';
import { connectVerified } from './bambu-tls';

/**
 * The A1/P1 camera: a TLS socket on port 6000 that, after an 80-byte authentication packet, streams JPEG frames each
 * behind a 16-byte little-endian header (OpenBambuAPI video.md).
 */
export const CAMERA_PORT = 6000;
export const AUTH_PACKET_SIZE = 80;
export const FRAME_HEADER_SIZE = 16;
/** Generous for a 1280x720 JPEG; a larger size means a broken or hostile stream. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export function cameraAuthPacket(username: string, accessCode: string): Buffer {
  const packet = Buffer.alloc(AUTH_PACKET_SIZE);
  packet.writeUInt32LE(0x40, 0);
  packet.writeUInt32LE(0x3000, 4);
  packet.writeUInt32LE(0, 8);
  packet.writeUInt32LE(0, 12);
  writeField(packet, username, 16, 'username');
  writeField(packet, accessCode, 48, 'access code');
  return packet;
}

function writeField(packet: Buffer, value: string, offset: number, what: string): void {
  const bytes = Buffer.from(value, 'ascii');
  if (bytes.length > 32 || !/^[\x20-\x7e]*$/.test(value))
    throw new RangeError(`${what} must be up to 32 ASCII characters`);
  bytes.copy(packet, offset);
}

export function parseCameraAuthPacket(packet: Buffer): { username: string; accessCode: string } | null {
  if (packet.length !== AUTH_PACKET_SIZE) return null;
  if (packet.readUInt32LE(0) !== 0x40 || packet.readUInt32LE(4) !== 0x3000) return null;
  const field = (offset: number) =>
    packet
      .subarray(offset, offset + 32)
      .toString('ascii')
      .replace(/\0+$/, '');
  return { username: field(16), accessCode: field(48) };
}

export function frameHeader(payloadSize: number): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_SIZE);
  header.writeUInt32LE(payloadSize, 0);
  header.writeUInt32LE(0, 4);
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(0, 12);
  return header;
}

/** Reassembles frames from the chunks a socket delivers (a frame may span many chunks, a chunk many frames). */
export class CameraFrameParser {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private expected: number | null = null;

  /** Returns the complete JPEG frames in `chunk`; throws on a header no camera would send. */
  push(chunk: Buffer): Buffer[] {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.expected === null) {
        if (this.bufferedBytes < FRAME_HEADER_SIZE) break;
        const header = this.take(FRAME_HEADER_SIZE);
        const size = header.readUInt32LE(0);
        if (size === 0 || size > MAX_FRAME_BYTES) throw new RangeError(`camera frame of ${size} bytes refused`);
        this.expected = size;
      }
      if (this.bufferedBytes < this.expected) break;
      const frame = this.take(this.expected);
      this.expected = null;
      if (!isJpeg(frame)) throw new RangeError('camera frame is not a JPEG (no FF D8 … FF D9)');
      frames.push(frame);
    }
    return frames;
  }

  private take(count: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    return Buffer.from(taken);
  }
}

export function isJpeg(frame: Buffer): boolean {
  return (
    frame.length >= 4 &&
    frame[0] === 0xff &&
    frame[1] === 0xd8 &&
    frame[frame.length - 2] === 0xff &&
    frame[frame.length - 1] === 0xd9
  );
}

export interface CameraSnapshotOptions {
  host: string;
  port?: number;
  serial: string;
  accessCode: string;
  pins: CertificatePins;
  timeoutMs?: number;
}

/** Connects, authenticates, returns the first frame and closes: one JPEG per call. */
export function cameraSnapshot(options: CameraSnapshotOptions): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const socket = connectVerified({
      host: options.host,
      port: options.port ?? CAMERA_PORT,
      serial: options.serial,
      pins: options.pins,
    });
    const parser = new CameraFrameParser();
    let settled = false;
    const finish = (error: Error | null, frame?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(frame!);
    };
    const timer = setTimeout(
      () => finish(new Error('the camera sent no frame in time (wrong access code, or camera off)')),
      options.timeoutMs ?? 10_000,
    );
    socket.write(cameraAuthPacket('bblp', options.accessCode));
    socket.on('data', (chunk: Buffer) => {
      try {
        const [frame] = parser.push(chunk);
        if (frame) finish(null, frame);
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('the camera closed the connection (wrong access code?)')));
  });
}

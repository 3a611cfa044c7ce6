import { EventEmitter } from 'node:events';

import pino from 'pino';

import type { PrinterBackend } from '../backend/printer-backend';
import { CameraStreamer } from './camera-streamer';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);

function setup(snapshot: () => Promise<Buffer> = () => Promise.resolve(JPEG)) {
  const backend = Object.assign(new EventEmitter(), { snapshot }) as unknown as PrinterBackend;
  const sent: Array<{ event: string; seq: number }> = [];
  let connected = true;
  const streamer = new CameraStreamer({
    backend,
    logger: pino({ level: 'silent' }),
    send: (event, frame) => {
      if (!connected) return false;
      sent.push({ event, seq: frame.seq });
      return true;
    },
  });
  return { streamer, sent, disconnect: () => (connected = false) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CameraStreamer', () => {
  it('sends frames at the asked rate and stops by itself when the lease is not renewed', async () => {
    const { streamer, sent } = setup();
    streamer.request({ fps: 15, leaseMs: 1_000 });
    expect(streamer.streaming).toBe(true);
    await sleep(500);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent[0]).toEqual({ event: 'camera_frame', seq: 0 });
    await sleep(900);
    expect(streamer.streaming).toBe(false);
    const count = sent.length;
    await sleep(300);
    expect(sent.length).toBe(count);
  });

  it('stops at once on fps 0, and a renewal keeps it going', async () => {
    const { streamer } = setup();
    streamer.request({ fps: 5, leaseMs: 1_000 });
    await sleep(600);
    streamer.request({ fps: 5, leaseMs: 1_000 });
    await sleep(600);
    expect(streamer.streaming).toBe(true);
    streamer.request({ fps: 0, leaseMs: 1_000 });
    await sleep(50);
    expect(streamer.streaming).toBe(false);
  });

  it('skips oversized frames, survives failing snapshots, and stops when the link is gone', async () => {
    let call = 0;
    const { streamer, sent, disconnect } = setup(() => {
      call += 1;
      if (call === 1) return Promise.resolve(Buffer.alloc(300 * 1024, 0xff));
      if (call === 2) return Promise.reject(new Error('webcam unreachable'));
      return Promise.resolve(JPEG);
    });
    streamer.request({ fps: 15, leaseMs: 5_000 });
    await sleep(1_400);
    expect(streamer.oversized).toBe(1);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    disconnect();
    await sleep(200);
    expect(streamer.streaming).toBe(false);
  });
});

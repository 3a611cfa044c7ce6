import {
  AUTH_PACKET_SIZE,
  CameraFrameParser,
  cameraAuthPacket,
  frameHeader,
  parseCameraAuthPacket,
} from './bambu-camera';
import { gcodeLine, printControl, projectFile, PushAllLimiter, pushAll } from './bambu-commands';
import { mapGcodeState, mergeReport, observe, readReply } from './bambu-report';
import { MemoryCertificatePins } from '../backend/backend-factory';
import { BambuCertificateError, verifyPrinterCertificate } from './bambu-tls';
import type { PeerCertificate } from 'node:tls';

const jpeg = (size: number) => {
  const frame = Buffer.alloc(size, 0x11);
  frame[0] = 0xff;
  frame[1] = 0xd8;
  frame[size - 2] = 0xff;
  frame[size - 1] = 0xd9;
  return frame;
};

describe('Bambu report merging (P1/A1 send only changed fields)', () => {
  it('keeps fields a partial report leaves out and merges nested objects', () => {
    const full = {
      gcode_state: 'RUNNING',
      mc_percent: 10,
      nozzle_temper: 220,
      ipcam: { timelapse: 'disable', ipcam_dev: '1' },
    };
    const merged = mergeReport(mergeReport({}, full), { mc_percent: 11, ipcam: { timelapse: 'enable' } });
    expect(merged).toEqual({
      gcode_state: 'RUNNING',
      mc_percent: 11,
      nozzle_temper: 220,
      ipcam: { timelapse: 'enable', ipcam_dev: '1' },
    });
  });

  it('replaces arrays whole (the AMS list is resent entirely)', () => {
    const merged = mergeReport({ hms: [{ attr: 1 }, { attr: 2 }] }, { hms: [] });
    expect(merged.hms).toEqual([]);
  });

  it('rejects prototype pollution through a hostile report', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}') as Record<
      string,
      unknown
    >;
    const merged = mergeReport({}, hostile);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual([]);
  });

  it('maps every documented gcode_state', () => {
    expect(
      ['IDLE', 'PREPARE', 'SLICING', 'RUNNING', 'PAUSE', 'FINISH', 'FAILED', 'INIT', 'weird'].map(mapGcodeState),
    ).toEqual([
      'operational',
      'printing',
      'printing',
      'printing',
      'paused',
      'operational',
      'operational',
      'connecting',
      'unknown',
    ]);
  });

  it('reads temperatures, progress, remaining time (minutes) and errors out of push_status', () => {
    const seen = observe({
      gcode_state: 'RUNNING',
      mc_percent: 42,
      mc_remaining_time: 17,
      nozzle_temper: 219.5,
      nozzle_target_temper: 220,
      bed_temper: '59.8',
      bed_target_temper: 60,
      gcode_file: 'part.3mf',
      layer_num: 10,
      total_layer_num: 40,
      print_error: 0x0300_4001,
    });
    expect(seen).toMatchObject({
      state: 'printing',
      progress: 42,
      printTimeLeft: 17 * 60,
      tool0: { actual: 219.5, target: 220 },
      bed: { actual: 59.8, target: 60 },
      fileName: 'part.3mf',
      layer: { current: 10, total: 40 },
      error: 'printer error 0x03004001',
    });
    expect(observe({ nozzle_temper: 99_999 }).tool0).toBeNull();
  });

  it('reads replies case-insensitively', () => {
    expect(readReply({ sequence_id: '7', command: 'pause', result: 'SUCCESS' })).toEqual({
      sequenceId: '7',
      command: 'pause',
      ok: true,
      reason: null,
    });
    expect(readReply({ sequence_id: '7', command: 'pause', result: 'fail', reason: 'no' })?.ok).toBe(false);
    expect(readReply({ command: 'push_status' })).toBeNull();
  });
});

describe('Bambu command builders (OpenBambuAPI mqtt.md)', () => {
  it('builds print controls with an empty param', () => {
    expect(printControl('1', 'pause')).toEqual({ print: { sequence_id: '1', command: 'pause', param: '' } });
    expect(printControl('2', 'stop').print.command).toBe('stop');
  });

  it('joins G-code lines with newlines and caps the length', () => {
    expect(gcodeLine('3', ['G28', ' M104 S200 '])).toEqual({
      print: { sequence_id: '3', command: 'gcode_line', param: 'G28\nM104 S200\n' },
    });
    expect(() => gcodeLine('4', ['G1'.repeat(5_000)])).toThrow(RangeError);
  });

  it('builds pushall', () => {
    expect(pushAll('5')).toEqual({ pushing: { sequence_id: '5', command: 'pushall' } });
  });

  it('builds project_file with the plate, use_ams and the AMS mapping', () => {
    const request = projectFile('6', { fileName: 'bracket.3mf', plate: 2, useAms: true, amsMapping: [0, 3] });
    expect(request.print).toMatchObject({
      command: 'project_file',
      param: 'Metadata/plate_2.gcode',
      file: 'bracket.3mf',
      url: 'file:///sdcard/bracket.3mf',
      subtask_name: 'bracket',
      use_ams: true,
      ams_mapping: [0, 3],
      project_id: '0',
      task_id: '0',
      bed_type: 'auto',
    });
    expect(() => projectFile('7', { fileName: 'a.3mf', plate: 0, useAms: false, amsMapping: [] })).toThrow(RangeError);
    expect(() => projectFile('8', { fileName: 'a.3mf', plate: 1, useAms: true, amsMapping: [300] })).toThrow(
      RangeError,
    );
  });

  it('allows pushall at most every 5 minutes', () => {
    let now = 0;
    const limiter = new PushAllLimiter(5 * 60_000, () => now);
    expect(limiter.tryTake()).toBe(true);
    now = 4 * 60_000;
    expect(limiter.tryTake()).toBe(false);
    now = 5 * 60_000;
    expect(limiter.tryTake()).toBe(true);
  });
});

describe('Bambu port-6000 camera framing (OpenBambuAPI video.md)', () => {
  it('writes the 80-byte authentication packet', () => {
    const packet = cameraAuthPacket('bblp', '12345678');
    expect(packet.length).toBe(AUTH_PACKET_SIZE);
    expect(packet.readUInt32LE(0)).toBe(0x40);
    expect(packet.readUInt32LE(4)).toBe(0x3000);
    expect(packet.readUInt32LE(8)).toBe(0);
    expect(packet.readUInt32LE(12)).toBe(0);
    expect(packet.subarray(16, 20).toString('ascii')).toBe('bblp');
    expect(packet.subarray(20, 48).every((byte) => byte === 0)).toBe(true);
    expect(packet.subarray(48, 56).toString('ascii')).toBe('12345678');
    expect(parseCameraAuthPacket(packet)).toEqual({ username: 'bblp', accessCode: '12345678' });
    expect(() => cameraAuthPacket('bblp', 'x'.repeat(33))).toThrow(RangeError);
  });

  it('writes 16-byte frame headers', () => {
    const header = frameHeader(1234);
    expect([
      header.length,
      header.readUInt32LE(0),
      header.readUInt32LE(4),
      header.readUInt32LE(8),
      header.readUInt32LE(12),
    ]).toEqual([16, 1234, 0, 1, 0]);
  });

  it('reassembles frames split across chunks and several frames in one chunk', () => {
    const first = jpeg(5_000);
    const second = jpeg(300);
    const stream = Buffer.concat([frameHeader(first.length), first, frameHeader(second.length), second]);
    const parser = new CameraFrameParser();
    const frames: Buffer[] = [];
    for (let offset = 0; offset < stream.length; offset += 4096)
      frames.push(...parser.push(stream.subarray(offset, offset + 4096)));
    expect(frames.map((frame) => frame.length)).toEqual([5_000, 300]);
    expect(frames[0].equals(first)).toBe(true);
  });

  it('refuses an absurd frame size from a hostile stream', () => {
    expect(() => new CameraFrameParser().push(frameHeader(0xffffffff))).toThrow(RangeError);
    expect(() => new CameraFrameParser().push(Buffer.concat([frameHeader(4), Buffer.from('abcd')]))).toThrow(/JPEG/);
  });
});

describe('Bambu certificate check (CN = serial, pinned on first use)', () => {
  const certificate = (cn: string, fingerprint256: string) =>
    ({ subject: { CN: cn }, fingerprint256 }) as unknown as PeerCertificate;
  const A = Array.from({ length: 32 }, () => 'AA').join(':');
  const B = Array.from({ length: 32 }, () => 'BB').join(':');
  const hexA = 'aa'.repeat(32);

  it('pins the first certificate whose CN is the serial (SHA-256 of the DER, lowercase hex)', async () => {
    const pins = new MemoryCertificatePins();
    await expect(verifyPrinterCertificate(certificate('01P00A000000001', A), '01P00A000000001', pins)).resolves.toEqual(
      {
        pinnedNow: true,
        sha256: hexA,
      },
    );
    expect(pins.get('01P00A000000001')).toBe(hexA);
    await expect(
      verifyPrinterCertificate(certificate('01P00A000000001', A), '01P00A000000001', pins),
    ).resolves.toMatchObject({ pinnedNow: false });
  });

  it('refuses a certificate issued to another serial, and pins nothing', async () => {
    const pins = new MemoryCertificatePins();
    await expect(verifyPrinterCertificate(certificate('OTHER', A), '01P00A000000001', pins)).rejects.toMatchObject({
      reason: 'serial_mismatch',
    });
    expect(pins.get('01P00A000000001')).toBeNull();
  });

  it('refuses a changed certificate after pinning', async () => {
    const pins = new MemoryCertificatePins();
    await pins.set('SERIAL1', hexA);
    await expect(verifyPrinterCertificate(certificate('SERIAL1', B), 'SERIAL1', pins)).rejects.toBeInstanceOf(
      BambuCertificateError,
    );
    expect(pins.get('SERIAL1')).toBe(hexA);
  });
});

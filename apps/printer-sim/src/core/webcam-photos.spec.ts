import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';

import { cameraAuthPacket, FRAME_HEADER_SIZE } from '../../../agent/src/bambu/bambu-camera';
import { BambuFarm, DEFAULT_ACCESS_CODE } from '../bambu/bambu-farm';
import { parseCliOptions } from '../cli-options';
import { MoonrakerFarm } from '../moonraker/moonraker-farm';
import { OctoPrintFarm } from '../octoprint/octoprint-farm';

/** Not real images: the simulator checks the JPEG signature and serves the bytes as they are. */
const CLEAN = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('clean photo')]);
const FAILURE = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('failure photo')]);

describe('printer-sim webcam photos', () => {
  let dir: string;
  let farm: OctoPrintFarm | MoonrakerFarm | BambuFarm | null = null;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-photos-'));
    await writeFile(join(dir, 'clean.jpg'), CLEAN);
    await writeFile(join(dir, 'failure.jpg'), FAILURE);
    await writeFile(join(dir, 'not-a-jpeg.jpg'), 'GIF89a');
  });

  afterEach(async () => {
    await farm?.stop();
    farm = null;
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  const snapshot = async (index: number) =>
    Buffer.from(await (await fetch(`${farm!.url(index)}/webcam/?action=snapshot`)).arrayBuffer());

  it.each([
    ['OctoPrint', (options: ConstructorParameters<typeof OctoPrintFarm>[0]) => new OctoPrintFarm(options)],
    ['Moonraker', (options: ConstructorParameters<typeof MoonrakerFarm>[0]) => new MoonrakerFarm(options)],
  ])(
    'the %s front serves the clean photo, then the failure photo once the print has spaghetti, on the chosen printers only',
    async (_front, create) => {
      const httpFarm = create({
        printers: 2,
        webcamPhotos: { clean: join(dir, 'clean.jpg'), failure: join(dir, 'failure.jpg'), printers: [1] },
      });
      farm = httpFarm;
      await httpFarm.start();
      expect((await snapshot(1)).equals(CLEAN)).toBe(true);
      const drawn = await snapshot(0);
      expect(drawn.equals(CLEAN)).toBe(false);
      expect(drawn.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect((await fetch(`${httpFarm.baseUrl}/sim/p/1/spaghetti`, { method: 'POST' })).status).toBe(200);
      expect((await snapshot(1)).equals(FAILURE)).toBe(true);
      await fetch(`${httpFarm.baseUrl}/sim/p/1/spaghetti`, { method: 'POST', body: '{"on":false}' });
      expect((await snapshot(1)).equals(CLEAN)).toBe(true);
    },
  );

  it('the Bambu front streams the photos on its port-6000 camera', async () => {
    const bambu = new BambuFarm({
      printers: 1,
      webcamPhotos: { clean: join(dir, 'clean.jpg'), failure: join(dir, 'failure.jpg') },
    });
    farm = bambu;
    await bambu.start();
    const frame = () =>
      new Promise<Buffer>((resolve, reject) => {
        const sim = bambu.sim(0);
        const socket = tls.connect(
          {
            host: '127.0.0.1',
            port: sim.ports().camera,
            ca: sim.certificatePem()!,
            servername: sim.serial,
            checkServerIdentity: (_host, certificate) =>
              certificate.subject.CN === sim.serial ? undefined : new Error('CN is not the serial'),
          },
          () => socket.write(cameraAuthPacket('bblp', DEFAULT_ACCESS_CODE)),
        );
        let data = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          data = Buffer.concat([data, chunk]);
          if (data.length >= FRAME_HEADER_SIZE && data.length >= FRAME_HEADER_SIZE + data.readUInt32LE(0)) {
            socket.destroy();
            resolve(data.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + data.readUInt32LE(0)));
          }
        });
        socket.on('error', reject);
      });
    expect((await frame()).equals(CLEAN)).toBe(true);
    bambu.printer(0).spaghetti = true;
    expect((await frame()).equals(FAILURE)).toBe(true);
  });

  it('refuses to start with a photo that is not a JPEG or not there', async () => {
    for (const clean of [join(dir, 'not-a-jpeg.jpg'), join(dir, 'missing.jpg'), dir]) {
      const broken = new OctoPrintFarm({ printers: 1, webcamPhotos: { clean, failure: join(dir, 'failure.jpg') } });
      await expect(broken.start()).rejects.toThrow(/clean photo/);
      await broken.stop();
    }
  });

  it('reads --webcam-photos and --webcam-photo-printers', () => {
    expect(
      parseCliOptions(['--printers', '3', '--webcam-photos', 'a.jpg,b.jpg', '--webcam-photo-printers', '0,2'], {}),
    ).toMatchObject({ ok: true, options: { webcamPhotos: { clean: 'a.jpg', failure: 'b.jpg', printers: [0, 2] } } });
    for (const argv of [
      ['--webcam-photos', 'only-one.jpg'],
      ['--webcam-photos', 'a.jpg,'],
      ['--webcam-photos', 'a.jpg,b.jpg', '--webcam-photo-printers', '5'],
      ['--webcam-photo-printers', '0'],
    ]) {
      expect(parseCliOptions(argv, {})).toMatchObject({ ok: false });
    }
  });
});

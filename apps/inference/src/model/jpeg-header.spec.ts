import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import sharp from 'sharp';
import { readJpegHeader } from './jpeg-header';

const photoPath = path.resolve(__dirname, '../../../../../shared/fixtures/photos/spaghetti-prusa-bed.jpg');

function jpeg(width: number, height: number, options: sharp.JpegOptions = {}): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3a6' } })
    .jpeg(options)
    .toBuffer();
}

/** What sharp says about the same bytes: the answer the header reader must agree with. */
async function sharpView(bytes: Buffer) {
  const metadata = await sharp(bytes).metadata();
  return {
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
    orientation: metadata.orientation ?? 1,
  };
}

describe('readJpegHeader', () => {
  it('reads the size sharp reads, for baseline, progressive, greyscale and 4:4:4 JPEGs', async () => {
    const images = [
      await jpeg(1280, 720),
      await jpeg(641, 359, { progressive: true }),
      await jpeg(300, 200, { chromaSubsampling: '4:4:4' }),
      await sharp(Buffer.alloc(64 * 48, 90), { raw: { width: 64, height: 48, channels: 1 } })
        .jpeg()
        .toBuffer(),
      await readFile(photoPath),
    ];
    for (const image of images) expect(readJpegHeader(image)).toEqual(await sharpView(image));
  });

  it('swaps width and height for the EXIF orientations that turn the frame, as autoOrient does', async () => {
    const base = await jpeg(40, 30);
    for (let orientation = 1; orientation <= 8; orientation++) {
      const image = await sharp(base).withMetadata({ orientation }).jpeg().toBuffer();
      const header = readJpegHeader(image);
      expect(header).toEqual(await sharpView(image));
      expect(header).toEqual(
        orientation >= 5 ? { width: 30, height: 40, orientation } : { width: 40, height: 30, orientation },
      );
    }
  });

  it('gives up (undefined) on anything it cannot read for sure, so the caller asks sharp', async () => {
    const good = await jpeg(64, 64);
    const png = await sharp(good).png().toBuffer();
    const sof = good.findIndex((value, i) => value === 0xff && good[i + 1] === 0xc0);
    const zeroSize = Buffer.from(good);
    zeroSize.writeUInt16BE(0, sof + 5); // height 0: the size comes later in a DNL marker
    const twoExif = await sharp(good).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const exifAt = twoExif.findIndex((value, i) => value === 0xff && twoExif[i + 1] === 0xe1);
    const exifLength = twoExif.readUInt16BE(exifAt + 2) + 2;
    const doubled = Buffer.concat([
      twoExif.subarray(0, exifAt + exifLength),
      twoExif.subarray(exifAt, exifAt + exifLength),
      twoExif.subarray(exifAt + exifLength),
    ]);
    for (const bytes of [
      png,
      Buffer.from('#!/bin/sh\necho not a frame\n'),
      good.subarray(0, sof + 4), // cut inside the frame header
      good.subarray(0, sof), // no frame header at all
      zeroSize,
      doubled,
      Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]), // a scan before any frame header
      Buffer.alloc(0),
    ]) {
      expect(readJpegHeader(bytes)).toBeUndefined();
    }
  });
});

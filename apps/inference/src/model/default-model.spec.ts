/**
 * @jest-environment ./apps/inference/src/model/testing/onnx-test.environment.ts
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import sharp from 'sharp';
import { frameSpec } from '../../../../scripts/model/synthetic-dataset';
import { renderSyntheticFrame } from '../../../../scripts/model/synthetic-frames';
import { DetectionModel } from './detection-model';

const DEFAULT_MODEL = path.resolve(__dirname, '../../../../models/default');

describe('the default model that ships in models/default', () => {
  it('loads with its manifest and ranks held-out synthetic failures above clean frames', async () => {
    const model = await DetectionModel.load(DEFAULT_MODEL, { maxBatchSize: 24 });
    try {
      expect(model.manifest.decoder?.type ?? 'head').toMatch(/^(probability|head)$/);
      // The first frames of the build's held-out split (the same seed as models/default/README.md).
      const frames = await Promise.all(
        Array.from({ length: 24 }, async (_, i) => {
          const spec = frameSpec(20261126, 'test', i);
          return { spec, frame: await renderSyntheticFrame(spec.seed, spec.label) };
        }),
      );
      const results = await model.runBatch(frames.map(({ frame }, i) => ({ id: String(i), image: frame.jpeg })));
      const scores = results.map((r) => (r.ok ? r.score : Number.NaN));
      scores.forEach((score) => expect(score).toBeGreaterThanOrEqual(0));
      scores.forEach((score) => expect(score).toBeLessThanOrEqual(1));
      const mean = (label: string) => {
        const picked = scores.filter((_, i) => frames[i].spec.label === label);
        return picked.reduce((a, b) => a + b, 0) / picked.length;
      };
      // The head is trained for real photos; synthetic frames weigh as one source among five, so it ranks them well
      // without being sure of every one (the shipped model: AUC about 0.83, means 0.44 and 0.07 on these 24).
      const failures = scores.filter((_, i) => frames[i].spec.label === 'failure');
      const clean = scores.filter((_, i) => frames[i].spec.label === 'clean');
      const pairs = failures.flatMap((f) => clean.map((c) => (f > c ? 1 : f === c ? 0.5 : 0)));
      expect(pairs.reduce<number>((a, b) => a + b, 0) / pairs.length).toBeGreaterThan(0.75);
      expect(mean('failure') - mean('clean')).toBeGreaterThan(0.25);
    } finally {
      await model.close();
    }
  }, 60_000);
});

describe('the default model on a real photo, through JPEG shrink-on-load', () => {
  it('scores the region of a real photo as it scores the exact crop of that region', async () => {
    const photo = await readFile(
      path.resolve(__dirname, '../../../../../shared/fixtures/photos/spaghetti-prusa-bed.jpg'),
    );
    // 2458x1230 pixels scored at the 5x5 grid's 672x672: 3.5x across but 1.76x down, so libjpeg decodes at full size
    // (the region is cut in scaled coordinates after the resize, the crop below exactly).
    const region = { x: 0.02, y: 0.02, w: 0.96, h: 0.96 };
    const { width, height } = await sharp(photo).metadata();
    const left = Math.floor(region.x * width);
    const top = Math.floor(region.y * height);
    // The exact crop, as a lossless PNG: decoded at full size, no DCT scaling, no region rounding.
    const cropped = await sharp(photo)
      .extract({
        left,
        top,
        width: Math.ceil((region.x + region.w) * width) - left,
        height: Math.ceil((region.y + region.h) * height) - top,
      })
      .png({ compressionLevel: 1 })
      .toBuffer();
    const model = await DetectionModel.load(DEFAULT_MODEL, { maxBatchSize: 4 });
    try {
      const [viaRegion, viaCrop] = await model.runBatch([
        { id: 'region', image: photo, regionOfInterest: region },
        { id: 'crop', image: cropped },
      ]);
      if (!viaRegion.ok || !viaCrop.ok) throw new Error('the photo was rejected');
      // The photo is an obvious failure: both scores sit near 1 (what the model sees is compared pixel by pixel in
      // frame-preprocessor.spec.ts).
      expect(viaCrop.score).toBeGreaterThan(model.manifest.scoring?.alertThreshold ?? 0.5);
      expect(Math.abs(viaRegion.score - viaCrop.score)).toBeLessThan(0.02);
    } finally {
      await model.close();
    }
  }, 60_000);
});

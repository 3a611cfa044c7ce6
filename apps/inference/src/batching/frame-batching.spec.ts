/**
 * @jest-environment ./apps/inference/src/model/testing/onnx-test.environment.ts
 */
import sharp from 'sharp';
import { DetectionModel, parseModelManifest, type DetectionFrame, type DetectionResult } from '../model';
import { tinyYoloManifest, tinyYoloObicoGraph } from '../model/testing/tiny-graphs';
import { MicroBatcher } from './micro-batcher';

describe('micro-batched detection', () => {
  it('runs frames of many printers through one session call and lands every result on its printer', async () => {
    // confs = m x 0.9 for one box: each printer's score is 0.9 x the mean brightness of its own frame.
    const model = await DetectionModel.create(
      parseModelManifest(tinyYoloManifest()),
      tinyYoloObicoGraph([{ weight: 0.9, box: [0.2, 0.2, 0.6, 0.6] }]),
      { maxBatchSize: 6 },
    );
    const runs = jest.spyOn(model.session, 'run');
    const batcher = new MicroBatcher<DetectionFrame, DetectionResult>((frames) => model.runBatch(frames), {
      maxBatchSize: 6,
      maxWaitMs: 60_000, // the batch leaves because it is full, which keeps the test independent of time
    });
    try {
      const levels = [250, 30, 200, 120, 90, 180];
      const frames = await Promise.all(
        levels.map(async (level, i) => ({
          id: `printer-${i}:job-${100 + i}`,
          image: await sharp({
            create: { width: 80, height: 60, channels: 3, background: { r: level, g: level, b: level } },
          })
            .jpeg({ quality: 95 })
            .toBuffer(),
        })),
      );
      // Submit in a shuffled order; each promise must still get its own frame's result.
      const order = [3, 0, 5, 1, 4, 2];
      const results = await Promise.all(order.map((i) => batcher.submit(frames[i])));
      expect(runs).toHaveBeenCalledTimes(1);
      results.forEach((result, k) => {
        const i = order[k];
        expect(result.id).toBe(frames[i].id);
        if (!result.ok) throw new Error(result.error.message);
        const expected = levels[i] / 255 > 0.08 / 0.9 ? (0.9 * levels[i]) / 255 : 0;
        expect(result.score).toBeCloseTo(expected, 2); // JPEG may move the level by a unit or two
      });
    } finally {
      await batcher.close();
      await model.close();
    }
  });
});

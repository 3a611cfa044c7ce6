/**
 * @jest-environment ./apps/inference/src/model/testing/onnx-test.environment.ts
 */
import * as path from 'node:path';
import { frameSpec } from '../../../../scripts/model/synthetic-dataset';
import { renderSyntheticFrame } from '../../../../scripts/model/synthetic-frames';
import { DetectionModel } from './detection-model';

const DEFAULT_MODEL = path.resolve(__dirname, '../../../../models/default');

describe('the default model that ships in models/default', () => {
  it('loads with its manifest and ranks held-out synthetic failures above clean frames', async () => {
    const model = await DetectionModel.load(DEFAULT_MODEL, { maxBatchSize: 8 });
    try {
      expect(model.manifest.decoder.type).toBe('probability');
      // The first frames of the build's held-out split (the same seed as models/default/README.md).
      const frames = await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
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
      expect(mean('failure') - mean('clean')).toBeGreaterThan(0.3);
    } finally {
      await model.close();
    }
  });
});

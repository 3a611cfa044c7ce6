/**
 * What training an organization's own head costs on CPU (issue 12 point 8), embeddings already cached:
 * `npx tsx bench/detector-training.ts [--frames 200,1000]`. Each labelled frame is the default model's 10 tiles of
 * 2048 values, drawn around the default head's feature means (failures shifted a little); the split, the training
 * pulled toward the default head, the calibration and the held-out measure, as the `detector.train` job runs them.
 * Embedding new frames is extra: see `npm run bench:inference` for the backbone's cost per frame.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { logisticHeadSchema } from '../apps/inference/src/model';
import {
  measure,
  splitByGroup,
  trainOrganizationHead,
  type EmbeddedFrame,
} from '../apps/inference/src/training/head-training';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '200,1000' } } });
const directory = path.join(__dirname, '..', 'models', 'default');
const head = logisticHeadSchema.parse(JSON.parse(readFileSync(path.join(directory, 'head.json'), 'utf8')));
const threshold =
  (
    JSON.parse(readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as {
      scoring?: { alertThreshold?: number };
    }
  ).scoring?.alertThreshold ?? 0.5;

let seed = 20261207;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

for (const count of (values.frames ?? '')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)) {
  const frames: EmbeddedFrame[] = Array.from({ length: count }, (_, i) => ({
    id: String(i),
    label: i % 2 ? 'failure' : 'ok',
    group: `print:${Math.floor(i / 4)}`,
    tiles: Array.from({ length: 10 }, () =>
      Float32Array.from(head.mean, (mean, j) => mean + head.std[j] * ((random() - 0.5) * 2 + (i % 2 ? 0.1 : 0))),
    ),
  }));
  const started = performance.now();
  const { train, heldOut } = splitByGroup(frames);
  const trained = trainOrganizationHead(train, head, threshold);
  const metrics = measure(trained, heldOut, threshold);
  const ms = Math.round(performance.now() - started);
  console.log(
    `detector training ${count} frames (train ${train.length}, held out ${heldOut.length}): ${ms} ms; ` +
      `held-out recall ${metrics.recall}, false alarms ${metrics.falseAlarmRate}`,
  );
}

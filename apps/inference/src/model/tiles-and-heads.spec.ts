/**
 * @jest-environment ./apps/inference/src/model/testing/onnx-test.environment.ts
 */
import sharp from 'sharp';
import { DetectionModel, EmbeddingUnavailableError, type DetectionResult } from './detection-model';
import { applyHead, trainLogisticHead, type LogisticHead } from './heads';
import { ModelManifestError, parseModelManifest } from './model-manifest';
import {
  tinyEmbeddingGraph,
  tinyEmbeddingManifest,
  tinyProbabilityGraph,
  tinyProbabilityManifest,
  writeModelDirectory,
} from './testing/tiny-graphs';

/** Left half red, right half black (PNG, lossless). */
function halfRed(width = 64, height = 32): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width / 2; x++) pixels[(y * width + x) * 3] = 255;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

function ok(result: DetectionResult) {
  if (!result.ok) throw new Error(`frame ${result.id} failed: ${result.error.message}`);
  return result;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('DetectionModel with tiles and a head on the embedding', () => {
  it('scores every tile, takes the hottest as the frame score and says where it is', async () => {
    const model = await DetectionModel.create(parseModelManifest(tinyEmbeddingManifest()), tinyEmbeddingGraph());
    try {
      expect(model.tiles).toEqual([
        { x: 0, y: 0, w: 1, h: 1 },
        { x: 0, y: 0, w: 0.5, h: 1 },
        { x: 0.5, y: 0, w: 0.5, h: 1 },
      ]);
      const [result] = await model.detect([{ id: 'a', image: await halfRed() }]);
      const { score, tiles } = ok(result);
      expect(tiles).toHaveLength(3);
      expect(tiles![0].score).toBeCloseTo(sigmoid(0), 2); // whole: red mean 0.5
      expect(tiles![1].score).toBeCloseTo(sigmoid(4), 2); // left: red
      expect(tiles![2].score).toBeCloseTo(sigmoid(-4), 2); // right: black
      expect(score).toBe(tiles![1].score);
    } finally {
      await model.close();
    }
  });

  it('cuts the tiles from the region of interest, boxes in fractions of that region', async () => {
    const model = await DetectionModel.create(parseModelManifest(tinyEmbeddingManifest()), tinyEmbeddingGraph());
    try {
      // The right half is all black: every tile scores low.
      const [result] = await model.detect([
        { id: 'roi', image: await halfRed(), regionOfInterest: { x: 0.5, y: 0, w: 0.5, h: 1 } },
      ]);
      expect(ok(result).score).toBeCloseTo(sigmoid(-4), 2);
    } finally {
      await model.close();
    }
  });

  it('embeds each tile and a per-call head replaces the default head', async () => {
    const model = await DetectionModel.create(parseModelManifest(tinyEmbeddingManifest()), tinyEmbeddingGraph());
    try {
      const image = await halfRed();
      const [embedded] = await model.embed([
        { id: 'e', image },
        { id: 'bad', image: Buffer.from('not an image') },
      ]);
      if (!embedded.ok) throw new Error(embedded.error.message);
      expect(embedded.embeddingSize).toBe(3);
      expect(embedded.embeddings).toHaveLength(3);
      expect(embedded.embeddings[1][0]).toBeCloseTo(1, 2);
      expect(embedded.embeddings[2][0]).toBeCloseTo(0, 2);
      // A head that flags black tiles instead.
      const inverse: LogisticHead = {
        kind: 'logistic',
        mean: [0.5, 0, 0],
        std: [1, 1, 1],
        weights: [-8, 0, 0],
        bias: 0,
      };
      const [result] = await model.detect([{ id: 'h', image }], { head: inverse });
      expect(ok(result).tiles![2].score).toBeCloseTo(applyHead(inverse, embedded.embeddings[2]), 5);
      expect(ok(result).score).toBe(ok(result).tiles![2].score);
      const wrong: LogisticHead = { kind: 'logistic', mean: [0], std: [1], weights: [1], bias: 0 };
      const [mismatch] = await model.detect([{ id: 'w', image }], { head: wrong });
      expect(mismatch).toMatchObject({ ok: false, error: { code: 'HEAD_MISMATCH' } });
    } finally {
      await model.close();
    }
  });

  it('reads the default head from a file named by the manifest', async () => {
    const head: LogisticHead = { kind: 'logistic', mean: [0.5, 0, 0], std: [1, 1, 1], weights: [2, 0, 0], bias: 1 };
    const { directory, remove } = await writeModelDirectory(
      tinyEmbeddingManifest({ head: 'head.json', tiles: undefined }),
      tinyEmbeddingGraph(),
      { 'head.json': JSON.stringify(head) },
    );
    const model = await DetectionModel.load(directory);
    try {
      expect(model.defaultHead).toEqual(head);
      expect(model.manifest.scoring).toEqual({ cleanPrior: 0.05 });
      const [result] = await model.detect([{ id: 'x', image: await halfRed() }]);
      expect(ok(result).tiles).toHaveLength(1);
      expect(ok(result).score).toBeCloseTo(sigmoid(1), 2);
    } finally {
      await model.close();
      await remove();
    }
  });

  it('keeps a schema 1 model working: one whole-frame tile, no embedding', async () => {
    const model = await DetectionModel.create(
      parseModelManifest(tinyProbabilityManifest()),
      tinyProbabilityGraph(8, -4),
    );
    try {
      expect(model.tiles).toEqual([{ x: 0, y: 0, w: 1, h: 1 }]);
      const [result] = await model.detect([{ id: 'r', image: await halfRed(32, 32) }]);
      expect(ok(result).tiles).toEqual([{ x: 0, y: 0, w: 1, h: 1, score: ok(result).score }]);
      await expect(model.embed([{ id: 'r', image: await halfRed() }])).rejects.toThrow(EmbeddingUnavailableError);
    } finally {
      await model.close();
    }
  });

  it('refuses schema 2 fields in schema 1, a head without an embedding output, and bad heads', () => {
    expect(() => parseModelManifest({ ...tinyProbabilityManifest(), tiles: { grid: [3, 3] } })).toThrow(
      /tiles: tiles needs schemaVersion 2/,
    );
    expect(() => parseModelManifest(tinyEmbeddingManifest({ outputs: undefined }))).toThrow(/outputs/);
    expect(() =>
      parseModelManifest(
        tinyEmbeddingManifest({ head: { kind: 'logistic', mean: [0], std: [0], weights: [1, 2], bias: 0 } }),
      ),
    ).toThrow(ModelManifestError);
    expect(() => parseModelManifest(tinyEmbeddingManifest({ head: '../head.json' }))).toThrow(/plain file name/);
  });
});

describe('trainLogisticHead', () => {
  const examples = Array.from({ length: 40 }, (_, i) => ({
    embedding: [i % 2 === 0 ? 1 + (i % 7) * 0.01 : -1 - (i % 5) * 0.01, (i * 37) % 11],
    label: (i % 2 === 0 ? 1 : 0) as 0 | 1,
  }));

  it('separates the classes, deterministically', () => {
    const head = trainLogisticHead(examples);
    expect(trainLogisticHead(examples)).toEqual(head);
    expect(applyHead(head, [1, 5])).toBeGreaterThan(0.9);
    expect(applyHead(head, [-1, 5])).toBeLessThan(0.1);
  });

  it('stays near a prior head when the L2 pull toward it is strong', () => {
    const prior = trainLogisticHead(examples);
    const flipped = examples.map((e) => ({ ...e, label: (1 - e.label) as 0 | 1 }));
    const pulled = trainLogisticHead(flipped, { prior, l2: 100 });
    const free = trainLogisticHead(flipped);
    expect(pulled.mean).toEqual(prior.mean);
    expect(applyHead(pulled, [1, 5])).toBeGreaterThan(0.5);
    expect(applyHead(free, [1, 5])).toBeLessThan(0.1);
  });

  it('refuses one class without a prior and embeddings of different sizes', () => {
    expect(() => trainLogisticHead(examples.filter((e) => e.label === 1))).toThrow(/both failure and clean/);
    expect(() => trainLogisticHead([...examples, { embedding: [1], label: 0 }])).toThrow(/differ in size/);
  });
});

describe('per-frame heads: frames of many organizations share one batch', () => {
  /** One colour all over (PNG, lossless). */
  function solid(red: number, green: number): Promise<Buffer> {
    return sharp({ create: { width: 32, height: 32, channels: 3, background: { r: red, g: green, b: 0 } } })
      .png()
      .toBuffer();
  }

  it('scores a batch with frames of two organizations with different heads, each with its own, in one session.run', async () => {
    const model = await DetectionModel.create(parseModelManifest(tinyEmbeddingManifest()), tinyEmbeddingGraph(), {
      maxBatchSize: 8,
    });
    try {
      // Organization A's own head calls green a failure; organization B keeps the default head (red is a failure).
      const greenHead: LogisticHead = {
        kind: 'logistic',
        mean: [0, 0.5, 0],
        std: [1, 1, 1],
        weights: [0, 8, 0],
        bias: 0,
      };
      const green = await solid(0, 255);
      const red = await solid(255, 0);
      const runs = jest.spyOn(model.session, 'run');
      const results = await model.detect([
        { id: 'a-green', image: green, head: greenHead },
        { id: 'b-green', image: green },
        { id: 'a-red', image: red, head: greenHead },
        { id: 'b-red', image: red },
      ]);
      expect(runs).toHaveBeenCalledTimes(1);
      const score = Object.fromEntries(results.map((result) => [result.id, ok(result).score]));
      expect(score['a-green']).toBeCloseTo(sigmoid(4), 2);
      expect(score['b-green']).toBeCloseTo(sigmoid(-4), 2);
      expect(score['a-red']).toBeCloseTo(sigmoid(-4), 2);
      expect(score['b-red']).toBeCloseTo(sigmoid(4), 2);
    } finally {
      await model.close();
    }
  });
});

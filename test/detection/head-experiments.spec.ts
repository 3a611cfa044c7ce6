import {
  hottestUnlabelledTiles,
  runLoso,
  trainHead,
  trainingExamples,
  type Recipe,
} from '../../scripts/model/head-experiments';
import type { EmbeddedRow, TrainingSet } from '../../scripts/model/training-set';

/**
 * A tiny embedded set: feature 0 says "strands". Each frame has a whole-frame row and two tiles. Clean frames label
 * every row 0; a boxed failure photo labels its tiles; an unboxed one labels only the whole frame (its tiles carry
 * no label, as in training-set.ts).
 */
function tinySet(): TrainingSet {
  const rows: EmbeddedRow[] = [];
  const frames: TrainingSet['frames'] = [];
  const add = (source: string, label: 0 | 1, tiles: { strands: number; label: 0 | 1 | undefined }[]) => {
    const frame = frames.length;
    const tileRows: number[] = [];
    const push = (strands: number, rowLabel: 0 | 1 | undefined, kind: 'whole' | 'tile') => {
      tileRows.push(rows.length);
      rows.push({
        embedding: Float32Array.from([strands, (frame % 3) / 3]),
        label: rowLabel,
        source,
        kind,
        frame,
        augmented: false,
      });
    };
    push(Math.max(...tiles.map((t) => t.strands)) / 2, label, 'whole');
    for (const tile of tiles) push(tile.strands, tile.label, 'tile');
    frames.push({ name: `${source}-${frame}`, label, source, augmented: false, tileRows });
  };
  for (let i = 0; i < 4; i++) {
    add('clean-camera', 0, [
      { strands: 0.1 * i, label: 0 },
      { strands: 0.05, label: 0 },
    ]);
    add('boxed', 1, [
      { strands: 1 + 0.1 * i, label: 1 },
      { strands: 0, label: 0 },
    ]);
    add('unboxed', 1, [
      { strands: 0, label: undefined },
      { strands: 0.9 + 0.1 * i, label: undefined },
    ]);
  }
  return { rows, frames };
}

const RECIPE: Recipe = { l2: 0.03, varianceFloor: 0.1, cleanTileWeight: 1, groupPower: 0 };

describe('multiple-instance rounds of the default head recipe', () => {
  it('takes the hottest unlabelled tile of each real failure photo, never a labelled one or a held-out source', () => {
    const set = tinySet();
    const head = trainHead(set, RECIPE);
    const picked = hottestUnlabelledTiles(set, head, RECIPE);
    const unboxed = set.frames.filter((f) => f.source === 'unboxed');
    // The second tile (the strands) of every unboxed failure photo, and nothing else.
    expect([...picked].sort((a, b) => a - b)).toEqual(unboxed.map((f) => f.tileRows[2]));
    expect(hottestUnlabelledTiles(set, head, RECIPE, 'unboxed').size).toBe(0);
  });

  it('adds the picked tiles as failure rows of their source, and the round changes the head', () => {
    const set = tinySet();
    const plain = trainingExamples(set, RECIPE);
    const picked = hottestUnlabelledTiles(set, trainHead(set, RECIPE), RECIPE);
    const withPicked = trainingExamples(set, RECIPE, undefined, picked);
    expect(withPicked).toHaveLength(plain.length + picked.size);
    expect(withPicked.filter((e) => e.label === 1)).toHaveLength(plain.filter((e) => e.label === 1).length + 4);
    // Each (source, label) group still weighs 1 in total (groupPower 0): two failure groups, however many rows.
    const failureWeight = (examples: typeof plain) =>
      examples.filter((e) => e.label === 1).reduce((sum, e) => sum + (e.weight ?? 1), 0);
    expect(failureWeight(plain)).toBeCloseTo(2, 10);
    expect(failureWeight(withPicked)).toBeCloseTo(2, 10);
    const mil = trainHead(set, { ...RECIPE, milRounds: 1 });
    const base = trainHead(set, RECIPE);
    expect(mil.weights).not.toEqual(base.weights);
  });

  it('scores every held-out frame by its hottest tile with the rounds on', () => {
    const result = runLoso(tinySet(), { ...RECIPE, milRounds: 1 });
    expect(result.sources).toEqual(['boxed', 'clean-camera', 'unboxed']);
    expect(result.loso).toHaveLength(12);
    result.loso.forEach((s) => expect(Number.isFinite(s.logit)).toBe(true));
  });
});

describe('the clean synthetic frames’ whole-frame share (syntheticWhole)', () => {
  it('puts the given share of the clean synthetic group on its whole-frame rows, and leaves other groups alone', () => {
    const set = tinySet();
    // The clean camera's frames stand in for synthetic ones: 4 whole-frame rows and 8 tiles, one group.
    for (const row of set.rows) if (row.source === 'clean-camera') row.source = 'synthetic';
    const natural = trainingExamples(set, RECIPE);
    const shared = trainingExamples(set, { ...RECIPE, syntheticWhole: 0.5 });
    const picked = set.rows.filter((row) => row.label !== undefined);
    const total = (examples: typeof natural, pick: (row: EmbeddedRow) => boolean) =>
      examples.reduce((sum, example, i) => sum + (pick(picked[i]) ? example.weight! : 0), 0);
    const syntheticWhole = (row: EmbeddedRow) => row.source === 'synthetic' && row.kind === 'whole';
    const syntheticTile = (row: EmbeddedRow) => row.source === 'synthetic' && row.kind === 'tile';
    // Group power 0: the group weighs 1 in total; by row count its 4 whole-frame rows of 12 carry a third of it.
    expect(total(natural, syntheticWhole)).toBeCloseTo(1 / 3, 10);
    expect(total(shared, syntheticWhole)).toBeCloseTo(0.5, 10);
    expect(total(shared, syntheticTile)).toBeCloseTo(0.5, 10);
    const others = (row: EmbeddedRow) => row.source !== 'synthetic';
    expect(shared.filter((_, i) => others(picked[i]))).toEqual(natural.filter((_, i) => others(picked[i])));
  });
});

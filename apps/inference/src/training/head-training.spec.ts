import type { LogisticHead } from '../model';
import {
  atLeastAsGood,
  groupOf,
  measure,
  splitByGroup,
  trainOrganizationHead,
  type EmbeddedFrame,
} from './head-training';

/** The tiny embedding model's default head: red (channel 0) is a failure. */
const RED_IS_FAILURE: LogisticHead = {
  kind: 'logistic',
  mean: [0.5, 0, 0],
  std: [1, 1, 1],
  weights: [8, 0, 0],
  bias: 0,
};

/** A frame of one colour: its whole-region tile and two halves embed to the same channel means. */
function frame(id: string, label: 'failure' | 'ok', rgb: [number, number, number], group = id): EmbeddedFrame {
  const tile = Float32Array.from(rgb);
  return { id, label, group, tiles: [tile, tile, tile] };
}

describe("an organization's own head", () => {
  // This farm's failures are green and its fine prints red: the default head has it backwards.
  const frames = [
    ...Array.from({ length: 12 }, (_, i) => frame(`f${i}`, 'failure', [0.05, 0.8 + i * 0.01, 0.1])),
    ...Array.from({ length: 12 }, (_, i) => frame(`o${i}`, 'ok', [0.8 + i * 0.01, 0.05, 0.1])),
  ];

  it('splits by group, deterministically, with both classes held out and no group on both sides', () => {
    const grouped = frames.map((f, i) => ({ ...f, group: `print:${Math.floor(i / 2)}` }));
    const first = splitByGroup(grouped);
    const again = splitByGroup([...grouped].reverse());
    expect(first.heldOut.map((f) => f.id).sort()).toEqual(again.heldOut.map((f) => f.id).sort());
    const heldGroups = new Set(first.heldOut.map((f) => f.group));
    expect(first.train.some((f) => heldGroups.has(f.group))).toBe(false);
    expect(first.heldOut.filter((f) => f.label === 'failure').length).toBeGreaterThanOrEqual(3);
    expect(first.heldOut.filter((f) => f.label === 'ok').length).toBeGreaterThanOrEqual(3);
  });

  it('groups by copy, then print, then printer and hour', () => {
    const takenAt = new Date('2026-12-07T04:30:00Z');
    expect(groupOf({ printerId: 'p', copyId: 'c', printKey: 'copy:c', takenAt })).toBe('copy:c');
    expect(groupOf({ printerId: 'p', copyId: null, printKey: 'print:e', takenAt })).toBe('print:e');
    expect(groupOf({ printerId: 'p', copyId: null, printKey: null, takenAt })).toBe(
      groupOf({ printerId: 'p', copyId: null, printKey: null, takenAt: new Date('2026-12-07T04:59:00Z') }),
    );
  });

  it('learns the farm’s own cameras from its labels and measures better than the default head on held-out frames', () => {
    const { train, heldOut } = splitByGroup(frames);
    const head = trainOrganizationHead(train, RED_IS_FAILURE, 0.5);
    const candidate = measure(head, heldOut, 0.5);
    const current = measure(RED_IS_FAILURE, heldOut, 0.5);
    expect(current.recall).toBe(0);
    expect(candidate.recall).toBe(1);
    expect(candidate.falseAlarmRate).toBe(0);
    expect(atLeastAsGood(candidate, current)).toBe(true);
    expect(atLeastAsGood(current, candidate)).toBe(false);
  });
});

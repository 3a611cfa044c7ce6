import { SeededRandom } from './seeded-random';
import type { FrameLabel } from './synthetic-frames';

/** Frame i of a split: its label alternates (balanced classes), its seed derives from the split and index only. */
export function frameSpec(baseSeed: number, split: string, index: number): { seed: number; label: FrameLabel } {
  const seed = Math.floor(new SeededRandom(baseSeed).fork(`${split}:${index}`).next() * 0x100000000);
  return { seed, label: index % 2 === 0 ? 'clean' : 'failure' };
}

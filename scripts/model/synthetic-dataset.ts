import * as ort from 'onnxruntime-node';
import type { FramePreprocessor } from '../../apps/inference/src/model/frame-preprocessor';
import { SeededRandom } from './seeded-random';
import { renderSyntheticFrame, type FrameLabel, type SyntheticFrame } from './synthetic-frames';

export interface EmbeddedFrame {
  label: 0 | 1;
  scenario: string;
  features: Float32Array;
}

/** Frame i of a split: its label alternates (balanced classes), its seed derives from the split and index only. */
export function frameSpec(baseSeed: number, split: string, index: number): { seed: number; label: FrameLabel } {
  const seed = Math.floor(new SeededRandom(baseSeed).fork(`${split}:${index}`).next() * 0x100000000);
  return { seed, label: index % 2 === 0 ? 'clean' : 'failure' };
}

export function renderSplitChunk(
  baseSeed: number,
  split: string,
  start: number,
  count: number,
): Promise<SyntheticFrame[]> {
  return Promise.all(
    Array.from({ length: count }, (_, k) => {
      const { seed, label } = frameSpec(baseSeed, split, start + k);
      return renderSyntheticFrame(seed, label);
    }),
  );
}

/**
 * Renders `count` frames of a split and embeds them with the backbone session through the same preprocessing as
 * inference (JPEG decode, resize, normalization). Rendering of the next chunk overlaps the session run of this one.
 */
export async function embedSplit(
  session: ort.InferenceSession,
  preprocessor: FramePreprocessor,
  inputName: string,
  outputName: string,
  baseSeed: number,
  split: string,
  count: number,
  onProgress: (done: number) => void,
  keepJpegs = 0,
): Promise<{ frames: EmbeddedFrame[]; jpegs: SyntheticFrame[] }> {
  const chunk = 16;
  const frames: EmbeddedFrame[] = [];
  const jpegs: SyntheticFrame[] = [];
  const tensor = new Float32Array(chunk * preprocessor.frameLength);
  let next = renderSplitChunk(baseSeed, split, 0, Math.min(chunk, count));
  for (let start = 0; start < count; start += chunk) {
    const rendered = await next;
    const following = start + chunk;
    if (following < count) next = renderSplitChunk(baseSeed, split, following, Math.min(chunk, count - following));
    await Promise.all(rendered.map((frame, slot) => preprocessor.preprocessInto(frame.jpeg, tensor, slot)));
    const dims = [rendered.length, 3, preprocessor.height, preprocessor.width];
    const output = await session.run({
      [inputName]: new ort.Tensor('float32', tensor.subarray(0, rendered.length * preprocessor.frameLength), dims),
    });
    const embedding = output[outputName].data as Float32Array;
    const width = embedding.length / rendered.length;
    rendered.forEach((frame, slot) => {
      frames.push({
        label: frame.label === 'failure' ? 1 : 0,
        scenario: frame.scenario,
        features: embedding.slice(slot * width, (slot + 1) * width),
      });
      if (jpegs.length < keepJpegs) jpegs.push(frame);
    });
    onProgress(Math.min(count, start + chunk));
  }
  return { frames, jpegs };
}

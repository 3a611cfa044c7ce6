/** Saves and loads an embedded training set (meta as JSON + one float32 matrix), so head experiments skip the backbone. */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { EmbeddedRow, TrainingSet } from './training-set';

/** Layout: uint32 JSON length, JSON {key, dims, rows: meta[], frames}, padding to 4 bytes, float32 rows x dims. */
export async function saveTrainingSet(file: string, key: string, set: TrainingSet, embedSeconds = 0): Promise<void> {
  const dims = set.rows[0].embedding.length;
  const meta = set.rows.map(({ embedding: _embedding, ...rest }) => rest);
  const json = Buffer.from(JSON.stringify({ key, dims, rows: meta, frames: set.frames, embedSeconds }));
  const headerLength = 4 + json.length;
  const padding = (4 - (headerLength % 4)) % 4;
  const matrix = new Float32Array(set.rows.length * dims);
  set.rows.forEach((row, i) => matrix.set(row.embedding, i * dims));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  await writeFile(file, Buffer.concat([length, json, Buffer.alloc(padding), Buffer.from(matrix.buffer)]));
}

export async function loadTrainingSet(
  file: string,
  key: string,
): Promise<(TrainingSet & { embedSeconds: number }) | undefined> {
  if (!existsSync(file)) return undefined;
  const bytes = await readFile(file);
  const jsonLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + jsonLength).toString('utf8')) as {
    key: string;
    dims: number;
    rows: Omit<EmbeddedRow, 'embedding'>[];
    frames: TrainingSet['frames'];
    embedSeconds?: number;
  };
  if (header.key !== key) return undefined;
  const start = 4 + jsonLength + ((4 - ((4 + jsonLength) % 4)) % 4);
  const matrix = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const rows = header.rows.map((meta, i) => ({
    ...meta,
    embedding: matrix.subarray(i * header.dims, (i + 1) * header.dims),
  }));
  return { rows, frames: header.frames, embedSeconds: header.embedSeconds ?? 0 };
}

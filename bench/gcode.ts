/**
 * G-code analyzer throughput: a generated 100 MiB file (override with GCODE_BENCH_MB), held in memory as 64 KiB
 * chunks, streamed through (a) sha256 alone and (b) the full analyzer, in the same process, alternately, three
 * rounds each; the best round of each counts. Last line:
 *   gcode analyzer: <MB/s> MB/s (<ratio>x of sha256-only)
 * Run: npx tsx bench/gcode.ts
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { analyzeGcode } from '@farmhand/files';
import { LargeGcodeGenerator } from '../test/fixtures/gcode/large-gcode';

const MEGABYTE = 1024 * 1024;
const ROUNDS = 3;

async function sha256Only(chunks: Buffer[]): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of Readable.from(chunks, { objectMode: false })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function timed<T>(run: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

async function main(): Promise<void> {
  const targetMegabytes = Number(process.env.GCODE_BENCH_MB ?? 100);
  const generator = new LargeGcodeGenerator(targetMegabytes * MEGABYTE);
  const chunks = [...generator.chunks()];
  const megabytes = generator.bytes / MEGABYTE;
  console.log(`generated ${megabytes.toFixed(1)} MiB, ${generator.layers} layers, ${chunks.length} chunks`);

  let bestHash = Infinity;
  let bestAnalyzer = Infinity;
  for (let round = 1; round <= ROUNDS; round++) {
    const hashed = await timed(() => sha256Only(chunks));
    const analyzed = await timed(() => analyzeGcode(Readable.from(chunks, { objectMode: false })));
    if (analyzed.result.sha256 !== hashed.result) throw new Error('analyzer and baseline disagree on sha256');
    bestHash = Math.min(bestHash, hashed.seconds);
    bestAnalyzer = Math.min(bestAnalyzer, analyzed.seconds);
    console.log(
      `round ${round}: sha256-only ${(megabytes / hashed.seconds).toFixed(1)} MB/s, ` +
        `analyzer ${(megabytes / analyzed.seconds).toFixed(1)} MB/s, extent max z ${analyzed.result.metadata.extent?.max.z}`,
    );
  }
  const analyzerRate = megabytes / bestAnalyzer;
  const hashRate = megabytes / bestHash;
  console.log(`sha256-only: ${hashRate.toFixed(1)} MB/s`);
  console.log(
    `gcode analyzer: ${analyzerRate.toFixed(1)} MB/s (${(analyzerRate / hashRate).toFixed(2)}x of sha256-only)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

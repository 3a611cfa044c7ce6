// Bundles the agent into one CommonJS file that runs with plain Node 20, no `npm install` (e.g. on a Raspberry Pi).
// Usage: node apps/agent/build.mjs [--outfile <path>]
import { chmod } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { outfile: { type: 'string' } } });
const outfile = resolve(values.outfile ?? resolve(root, 'dist/agent/farmhand-agent.cjs'));

/** The agent imports the protocol through its alias; point it at the sources so the bundle carries them. */
const farmhandProtocol = {
  name: 'farmhand-protocol',
  setup(builder) {
    builder.onResolve({ filter: /^@farmhand\/protocol$/ }, () => ({
      path: resolve(root, 'libs/protocol/src/index.ts'),
    }));
  },
};

const result = await build({
  entryPoints: [resolve(root, 'apps/agent/src/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  keepNames: true,
  legalComments: 'eof',
  banner: { js: '#!/usr/bin/env node' },
  define: { 'process.env.NODE_ENV': '"production"' },
  // Optional native speed-ups of `ws`, loaded in try/catch; plain JS is used without them.
  external: ['bufferutil', 'utf-8-validate'],
  plugins: [farmhandProtocol],
  metafile: true,
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(`built ${relative(process.cwd(), outfile)} (${(bytes / 1024).toFixed(0)} KiB)\n`);

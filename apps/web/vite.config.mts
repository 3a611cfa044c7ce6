import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Shared with the server: plain TypeScript only (see each file's header). */
const SHARED = {
  '@farmhand/authz-vocabulary': here('../../libs/authz/src/vocabulary.ts'),
  '@farmhand/authz-ability': here('../../libs/authz/src/define-ability.ts'),
  '@farmhand/dashboard-messages': here('../../libs/dashboard/src/dashboard.messages.ts'),
  '@farmhand/enrollment-csv-cell': here('../../libs/enrollment/src/export/csv-cell.ts'),
  '@farmhand/enrollment-qr-sheet': here('../../libs/enrollment/src/export/qr-sheet-page.ts'),
};

/** Fails the build if server code (Nest, TypeORM, drivers) is ever pulled into the browser bundle. */
function serverCodeGuard(): Plugin {
  const forbidden =
    /(^|\/)(@nestjs|typeorm|pg|ioredis|bullmq|argon2|reflect-metadata|pino|sharp|onnxruntime-node)(\/|$)/;
  return {
    name: 'farmhand:server-code-guard',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer && forbidden.test(source)) {
        throw new Error(`${importer} imports ${source}: server code must not reach the dashboard bundle`);
      }
      return null;
    },
  };
}

const API = process.env.FARMHAND_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [serverCodeGuard(), react()],
  resolve: { alias: SHARED },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': API,
      '/socket.io': { target: API, ws: true },
    },
  },
});

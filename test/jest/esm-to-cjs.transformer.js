// Nest 12 packages ship as native ES modules. Node 20.19+ loads them from CommonJS through require(esm),
// but Jest's module runtime on Node 20 cannot, so test runs transpile those files to CommonJS.
// Production code never goes through this: it runs the tsc build on Node's own loader.
const esbuild = require('esbuild');
const crypto = require('node:crypto');

const IMPORT_META_URL = '__farmhandImportMetaUrl';

module.exports = {
  getCacheKey(source, filename) {
    return crypto.createHash('sha256').update('v3').update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    // `const require = createRequire(import.meta.url)` would redeclare CommonJS's own `require`.
    const patched = source.replace(/(^|\n)\s*const require = createRequire\(import\.meta\.url\);/g, '$1');
    const result = esbuild.transformSync(patched, {
      format: 'cjs',
      loader: 'js',
      target: 'node20',
      // Jest's CommonJS runtime has no dynamic import() without --experimental-vm-modules.
      supported: { 'dynamic-import': false },
      sourcefile: filename,
      sourcemap: 'inline',
      define: { 'import.meta.url': IMPORT_META_URL },
      banner: `var ${IMPORT_META_URL} = require('node:url').pathToFileURL(__filename).href;`,
    });
    return { code: result.code };
  },
};

// Lets a plain Node process run an app's TypeScript entrypoint (`node -r <this> apps/api/src/main.ts`): the
// operations tests spawn api and worker processes from the tree as it is (never a stale dist/), and kill them;
// `npm run openapi` reads the controllers' decorators without a build.
// TypeScript transpiles each file with decorator metadata (Nest's injection needs it; esbuild and tsx drop it) and
// tsconfig-paths resolves the @farmhand/* aliases. Transpiled files are cached by content under the temp directory.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');
const { register } = require('tsconfig-paths');

const root = path.join(__dirname, '..');
const { compilerOptions } = require(path.join(root, 'tsconfig.json'));
register({ baseUrl: root, paths: compilerOptions.paths });

const options = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2023,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  inlineSourceMap: true,
};
const cacheDir = path.join(os.tmpdir(), `farmhand-ts-register-${ts.version}`);
fs.mkdirSync(cacheDir, { recursive: true });

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update('v1').update(filename).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText;
    const temporary = `${cached}.${process.pid}`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, cached);
  }
  module._compile(code, filename);
};

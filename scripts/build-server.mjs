// npm run build:server: compiles apps, libs, migrations, scripts and bench (tsconfig.build.json) into dist/ with
// TypeScript's own compiler, type errors failing the build. Incremental: only files that changed (and those whose
// types depend on them) are checked and written again (dist/.tsbuildinfo). The `@farmhand/*` path aliases are
// rewritten to relative requires in the emitted JavaScript, so `node dist/apps/api/src/main.js` runs as it is; this is
// all the Nest CLI's `nest build` did for us, without its schematics toolchain (which wants Node 22).
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const configPath = join(root, 'tsconfig.build.json');

const parsed = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]),
  },
);
const options = { ...parsed.options, incremental: true, tsBuildInfoFile: join(parsed.options.outDir, '.tsbuildinfo') };
const outDir = parsed.options.outDir;

/** `@farmhand/core` -> `<root>/libs/core/src/index` (sources; the output mirrors them under outDir). */
const aliases = new Map(
  Object.entries(parsed.options.paths ?? {}).map(([alias, [target]]) => [
    alias,
    resolve(parsed.options.pathsBasePath ?? root, target).replace(/\.ts$/, ''),
  ]),
);
const ALIAS_REQUIRE = /require\((["'])(@farmhand\/[\w-]+)\1\)/g;

/** The emitted file's `require("@farmhand/x")` calls, as paths relative to it. */
function rewriteAliases(fileName, text) {
  return text.replace(ALIAS_REQUIRE, (call, quote, alias) => {
    const source = aliases.get(alias);
    if (!source) throw new Error(`${relative(root, fileName)} requires ${alias}, which tsconfig.json does not map`);
    const target = join(outDir, relative(root, source));
    let path = relative(dirname(fileName), target).split('\\').join('/');
    if (!path.startsWith('.')) path = `./${path}`;
    return `require(${quote}${path}.js${quote})`;
  });
}

function fail(diagnostics) {
  const host = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => ts.sys.newLine,
  };
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exit(1);
}

const host = ts.createIncrementalCompilerHost(options);
const program = ts.createIncrementalProgram({
  rootNames: parsed.fileNames,
  options,
  host,
  configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
});
const writeFile = (fileName, text, ...rest) =>
  host.writeFile(fileName, fileName.endsWith('.js') ? rewriteAliases(fileName, text) : text, ...rest);
const emitted = program.emit(undefined, writeFile);
const errors = ts
  .sortAndDeduplicateDiagnostics([
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
    ...emitted.diagnostics,
  ])
  .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
if (errors.length) fail(errors);
// What `scripts/build-stale.sh` compares the sources with.
ts.sys.writeFile(join(outDir, '.built'), `${new Date().toISOString()}\n`);

// @ts-check
/**
 * The dependency rules, enforced in `npm test` (scripts/check-boundaries.sh). They are generated from
 * scripts/architecture/libraries.json, so a new library is one line there. docs/architecture.md describes them.
 */
const { layers, webShared } = require('./scripts/architecture/libraries.json');

/** @param {string} text */
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const all = layers.flat();
const either = (/** @type {string[]} */ names) => `(${names.join('|')})`;

/** A library imports only libraries of lower layers: not its own layer's siblings, not anything above it. */
const layerRules = layers.flatMap((/** @type {string[]} */ layer, /** @type {number} */ rank) => {
  const below = layers.slice(0, rank).flat();
  return layer.map((library) => {
    const forbidden = all.filter((other) => other !== library && !below.includes(other));
    return {
      name: `layer-order:${library}`,
      comment: `libs/${library} may import only ${below.length ? below.join(', ') : 'no other library'} (layers: scripts/architecture/libraries.json)`,
      severity: 'error',
      from: { path: `^libs/${library}/` },
      to: { path: `^libs/${either(forbidden)}/` },
    };
  });
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-deep-import',
      comment:
        'Another library is entered only through its index.ts (the @farmhand/<lib> alias), never libs/<lib>/src/... ' +
        "(the dashboard's shared files, `webShared`, are checked by web-imports-only-shared)",
      severity: 'error',
      from: { path: '^(apps/(?!web/)|scripts/|bench/|test/|migrations/)' },
      // The dashboard's shared files are entered by their own aliases (the web app's specs under test/ load them too).
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: ['^libs/[^/]+/src/index\\.ts$', ...webShared.map((file) => `^${escape(file)}$`)],
      },
    },
    {
      name: 'no-deep-import-between-libraries',
      comment: 'A library enters another only through its index.ts (the @farmhand/<lib> alias)',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'libs-never-import-apps',
      comment: 'Apps are composition roots on top: a library never imports one',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-do-not-import-each-other',
      comment:
        'Each app is its own process; what two apps share lives in a library (specs may boot another app, as the ' +
        "agent's specs boot the OctoPrint simulator)",
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '\\.(spec|medium-spec|e2e-spec)\\.ts$' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'web-imports-only-shared',
      comment: `The dashboard bundles only its own code and the shared files named in libraries.json (webShared), through its Vite aliases`,
      severity: 'error',
      from: { path: '^apps/web/' },
      to: {
        path: '^(libs|apps|scripts|test|migrations)/',
        pathNot: ['^apps/web/', ...webShared.map((file) => `^${escape(file)}$`)],
      },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, between libraries or inside one',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'resolvable',
      comment: 'Every relative or aliased import resolves to a file (a misspelt alias would hide a dependency)',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^(node:|[a-z]|@(?!farmhand/))' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|coverage)/|^apps/web/dist/|^test/artifacts/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    webpackConfig: { fileName: 'scripts/architecture/web-aliases.cjs' },
    combinedDependencies: false,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};

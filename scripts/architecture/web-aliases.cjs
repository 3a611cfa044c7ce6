// The dashboard's import aliases (apps/web/tsconfig.json `paths`, the same as Vite's), as a resolver config for
// dependency-cruiser, so the boundary check sees which server files the dashboard bundles.
const path = require('node:path');
const { compilerOptions } = require('../../apps/web/tsconfig.json');

const web = path.join(__dirname, '../../apps/web');
module.exports = {
  resolve: {
    alias: Object.fromEntries(
      Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`${alias}$`, path.resolve(web, target)]),
    ),
  },
};

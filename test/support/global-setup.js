// Global setup/teardown run outside Jest's module registry: resolve @farmhand/* aliases here, then load the TS.
const { register } = require('tsconfig-paths');
const { compilerOptions } = require('../../tsconfig.json');
register({ baseUrl: require('node:path').join(__dirname, '../..'), paths: compilerOptions.paths });
module.exports = require('./global-setup.ts').default;

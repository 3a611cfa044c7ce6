// Jest projects: unit (pure logic), medium (real Postgres + Redis), e2e (booted apps, the browser).
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target.replace('./', '')}`,
  ]),
);

// Nest 12 ships native ES modules; Node loads them through require(esm), Jest's runtime on Node 20 cannot.
// otplib's default plugins pull in @scure/base and @noble/hashes; openid-client, oauth4webapi and jose are ESM only too.
const ESM_PACKAGES = ['@nestjs', 'aedes', '@otplib', '@scure', '@noble', 'openid-client', 'oauth4webapi', 'jose'];

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleNameMapper,
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    [`node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`]: '<rootDir>/test/jest/esm-to-cjs.transformer.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

const withDatabase = {
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};

module.exports = {
  // A worker that has grown past this after a test file is replaced: one ran out of memory late in a full run.
  workerIdleMemoryLimit: '1536MB',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    {
      ...base,
      ...withDatabase,
      displayName: 'medium',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.medium-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-medium.ts'],
    },
    {
      ...base,
      ...withDatabase,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-e2e.ts'],
    },
  ],
};

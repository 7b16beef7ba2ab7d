// One Jest run for unit tests (src/**/*.spec.ts) and integration tests (test/**/*.e2e-spec.ts).
const swc = ['@swc/jest', require('./test/support/swc-options')];

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // Nest 12 packages and temporal-polyfill are ES modules; Node 20's require(esm) is not available inside Jest, so SWC converts them
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@apidevtools/json-schema-ref-parser|temporal-polyfill|temporal-utils|htmlparser2|entities|domhandler|domelementtype|domutils|dom-serializer)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};

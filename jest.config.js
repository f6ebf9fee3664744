/** One Jest run: unit specs beside the code, integration and end-to-end specs under test/. */
module.exports = {
  rootDir: '.',
  // Each test file gets a database of its own, cloned from the run's migrated template.
  testEnvironment: '<rootDir>/test/support/database-environment.ts',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  // test/serial disturbs shared services (e.g. restarts Docker): `npm test` runs it alone, last.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/serial/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }],
  },
  // `npm test` turns coverage on (--coverage); V8's own counters, as for the Runcell child
  // processes, so every part merges into one report (scripts/coverage-report.js).
  coverageProvider: 'v8',
  coveragePathIgnorePatterns: ['/node_modules/', '<rootDir>/test/'],
  coverageReporters: ['json'],
  setupFiles: ['<rootDir>/test/support/test-env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  // Measured with per-file databases on the 2-core machine: 3 or 4 workers finish no sooner.
  maxWorkers: 2,
  forceExit: false,
};

/**
 * Tests are split by kind, mirroring the source tree under each:
 *   unit         no network, no emulator
 *   infra        CDKTF synth assertions
 *   integration  the real Pub/Sub emulator (started by test/support/global-setup.ts)
 *   e2e          the whole local pipeline, started as `npm start` starts it
 *   deploy       the real synth and a deploy rehearsal: the real archive installed from the registry and run
 * Type checking is done once by `tsc --noEmit` in `npm test`, so ts-jest only transpiles (isolatedModules in tsconfig.json).
 */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform,
  setupFiles: ['<rootDir>/test/support/env.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/functions/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.test.ts'] },
  ],
};

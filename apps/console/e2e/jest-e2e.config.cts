// Browser tests of the built console behind the built gateway (not named jest.config.*: the
// @nx/jest plugin would turn it into the unit `test` target, which is vitest's).
module.exports = {
  displayName: 'console-e2e',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.e2e-spec.ts'],
  testTimeout: 120_000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
};

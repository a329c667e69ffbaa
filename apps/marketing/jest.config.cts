module.exports = {
  displayName: 'marketing',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.int-spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../../coverage/apps/marketing',
  // Two helpers saw jest stay up after every marketing spec had passed (a handle left open by a spec or a
  // library, not found: --detectOpenHandles shows none and it does not happen every run); CI runs a project's
  // specs in one process on two cores, so a hang there would be a failed run, not a slow one.
  forceExit: true,
};

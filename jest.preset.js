const nxPreset = require('@nx/jest/preset').default;
const { join } = require('path');

// 30 s per test, not jest's 5 s: the int-specs create databases and streams on a shared
// Postgres and NATS, which on a loaded two-core CI machine can take several seconds.
module.exports = { ...nxPreset, testTimeout: 30_000, setupFiles: [join(__dirname, 'tools/jest/setup-env.js')] };

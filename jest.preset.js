const nxPreset = require('@nx/jest/preset').default;
const { join } = require('path');

module.exports = { ...nxPreset, setupFiles: [join(__dirname, 'tools/jest/setup-env.js')] };

// Lets a child process run the TypeScript sources directly (node -r ./test/support/swc-register.js src/worker.ts),
// compiled as Jest compiles them, so tests can start real worker processes without a build.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');
const options = require('./swc-options');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename, sourceMaps: 'inline' });
  module._compile(code, filename);
};

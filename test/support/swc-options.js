// How TypeScript is compiled for tests: by Jest (jest.config.js) and for child processes (swc-register.js) alike.
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

// Lets a child process run the TypeScript sources as the build would (`node -r
// ./test/support/swc-register.js src/main.ts`), compiled on load by SWC with the options the
// tests use (jest.config.js), so a test can start the real entry point without a build.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, for `node -r` */
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

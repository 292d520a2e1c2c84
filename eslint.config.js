// Lint for the whole repository: typescript-eslint's recommended rules plus a line-length limit
// (long lines hide diffs in review). Module boundaries are checked by dependency-cruiser
// (`npm run deps`, .dependency-cruiser.cjs), not here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node's globals (the `globals` package is not a dependency; this is the short list we use).
const NODE_GLOBALS = [
  'process', 'console', 'URL', 'Buffer', 'Blob', 'TextDecoder', 'TextEncoder', 'AbortController', 'fetch',
  'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask',
  'structuredClone', 'performance', 'globalThis', 'module', 'require',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', '.cache/**', 'coverage/**', '.0x/**', '.clinic/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: Object.fromEntries(NODE_GLOBALS.map((name) => [name, 'readonly'])) },
    rules: {
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
);

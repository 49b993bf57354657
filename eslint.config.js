import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/', 'coverage/', 'test-results/', 'playwright-report/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core runs in Node, in the worker and in tests: it must not reach the DOM, React, Node built-ins or the UI.
    files: ['src/core/**/*.ts'],
    // Tests run in Node and may use Node helpers; the code they test may not.
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'recharts'], message: 'core is UI-free' },
          { group: ['node:*', 'fs', 'path', 'os', 'url', 'worker_threads'], message: 'core runs in the browser too; put Node code in src/node/' },
          { group: ['**/ui/**', '**/client/**', '**/worker/**', '**/node/**'], message: 'dependencies point ui -> client -> worker -> core' },
        ],
      }],
    },
  },
  {
    // A synchronous read stalls a GPU pipeline, and on tfjs-webgpu in headless Chromium it returns
    // zeros and breaks the device for later reads: the app reads tensors with `await t.data()`.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error',
        ...['dataSync', 'arraySync', 'bufferSync'].map((property) => ({ property, message: 'no synchronous tensor reads in src/: await t.data() (or t.array(), t.buffer())' })),
      ],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@tensorflow/*'], message: 'no tensor code in the UI; ask the worker' },
          { group: ['**/core/**', '**/worker/**'], message: 'the UI talks to the worker through src/client/' },
        ],
      }],
    },
  },
);

import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The architecture, enforced: dependencies point ui -> client -> worker -> core (a layer may use
 * the layers below it, never those above), with two sharper rules at the edges of the page:
 * the UI imports values only from src/client/ (types from below are fine: they vanish at build),
 * and nothing on the page (ui, client) imports tfjs. Node-only code stays in src/node/ and
 * scripts/. No module passes another's values through (`export { x } from`, `export * from`):
 * importers name the module that owns what they use.
 */
const layer = (message, ...groups) => ({ group: groups, message });
const upward = {
  node: layer('src/node/ is for Node entry points; the browser code must not import it', '**/node/**'),
  ui: layer('dependencies point ui -> client -> worker -> core: nothing imports the UI', '**/ui/**'),
  client: layer('dependencies point ui -> client -> worker -> core: only the UI imports the client', '**/client/**'),
  worker: layer('dependencies point ui -> client -> worker -> core: the core never imports the worker', '**/worker/**'),
  tensors: layer('no tensor code on the page: ask the worker', '@tensorflow/*'),
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'public/', 'coverage/', 'test-results/', 'playwright-report/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration[exportKind="value"]', message: 'no pass-through re-exports: import from the module that owns it' },
        { selector: 'ExportNamedDeclaration[source][exportKind="value"]', message: 'no pass-through re-exports: import from the module that owns it' },
      ],
    },
  },
  {
    // The core runs in Node, in the worker and in tests: it must not reach the DOM, React, Node built-ins or any layer above it.
    files: ['src/core/**/*.ts'],
    // Tests run in Node and may use Node helpers; the code they test may not.
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'recharts'], message: 'core is UI-free' },
          { group: ['node:*', 'fs', 'path', 'os', 'url', 'worker_threads'], message: 'core runs in the browser too; put Node code in src/node/' },
          upward.worker, upward.client, upward.ui, upward.node,
        ],
      }],
    },
  },
  {
    // The worker owns tfjs and the backend policy; it answers the client and never reaches up to it.
    files: ['src/worker/**/*.ts'],
    ignores: ['src/worker/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'recharts'], message: 'the worker is UI-free' },
          upward.client, upward.ui, upward.node,
        ],
      }],
    },
  },
  {
    files: ['src/client/**/*.ts'],
    ignores: ['src/client/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          upward.ui, upward.node, upward.tensors,
          // The worker's code runs in the worker: the client sees its API and data shapes only as types.
          { group: ['**/worker/**'], message: 'the client talks to the worker through Comlink: import its types only', allowTypeImports: true },
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
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          upward.tensors, upward.node,
          { group: ['**/core/**', '**/worker/**'], message: 'the UI uses values from src/client/ only (types from below are fine)', allowTypeImports: true },
        ],
      }],
    },
  },
  {
    files: ['src/ui/**/*.tsx', 'src/ui/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs['recommended-latest'].rules,
  },
);

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { eagerCjsWrappersPlugin } from './build/eager-cjs-wrappers.js';

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer) in the browser.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), eagerCjsWrappersPlugin()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      output: {
        // Recharts and its dependencies in three chunks of their own (d3, state, Recharts): main.tsx
        // evaluates each in a task before the app's modules, so no single start-up task evaluates
        // the whole bundle (one charts chunk took up to 40 ms under load). React and
        // React DOM apart from both: left to the bundler, React joined the charts' chunk, which the
        // entry then had to evaluate (with React DOM) in its first task; main.tsx imports React
        // DOM in a task of its own.
        codeSplitting: {
          groups: [
            { name: 'react', priority: 2, test: /[\\/]node_modules[\\/]react[\\/]/ },
            { name: 'react-dom', priority: 2, test: /[\\/]node_modules[\\/](react-dom|scheduler)[\\/]/ },
            { name: 'charts-d3', priority: 1, test: /[\\/]node_modules[\\/](victory-vendor|d3-[a-z-]+|internmap|decimal\.js-light)[\\/]/ },
            { name: 'charts-state', priority: 1, test: /[\\/]node_modules[\\/](@reduxjs|immer|react-redux|reselect|redux|es-toolkit|eventemitter3|tiny-invariant|clsx)[\\/]/ },
            { name: 'charts', priority: 1, test: /[\\/]node_modules[\\/]recharts[\\/]/ },
          ],
        },
      },
    },
  },
});

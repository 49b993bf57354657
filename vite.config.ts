import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets the WASM backend use threads (SharedArrayBuffer) in the browser.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      output: {
        // Recharts and its dependencies in a chunk of their own: main.tsx evaluates it in a task
        // before the app's modules, so no single start-up task evaluates the whole bundle.
        codeSplitting: {
          groups: [{ name: 'charts-vendor', test: /[\\/]node_modules[\\/](recharts|victory-vendor|d3-[a-z-]+|@reduxjs|immer|react-redux|reselect|redux|decimal\.js-light|es-toolkit|eventemitter3|internmap|tiny-invariant|clsx)[\\/]/ }],
        },
      },
    },
  },
});

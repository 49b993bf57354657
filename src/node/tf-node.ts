/**
 * tfjs for Node scripts and tests: the WASM backend (XNNPACK, SIMD) with the CPU backend as
 * fallback. tfjs-node is not used: it needs a native download this project cannot rely on.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BackendUnavailableError } from '../core/errors';

export type NodeBackendName = 'wasm' | 'cpu';

let wasmPathsSet = false;

/** Selects and readies a backend; returns the name of the one in use. */
export async function initNodeBackend(preferred: NodeBackendName = 'wasm'): Promise<NodeBackendName> {
  if (preferred === 'wasm') {
    if (!wasmPathsSet) {
      const require = createRequire(import.meta.url);
      const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
      setWasmPaths(path.dirname(wasmFile) + path.sep);
      wasmPathsSet = true;
    }
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return 'wasm';
    }
  }
  if (await tf.setBackend('cpu')) {
    await tf.ready();
    return 'cpu';
  }
  throw new BackendUnavailableError(`neither the ${preferred} nor the cpu backend of tfjs could start`);
}

export { tf };

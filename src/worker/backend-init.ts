/**
 * Starts a tfjs backend inside the worker: probes the WebGPU adapter, applies the policy in
 * backend-policy.ts (or the ?backend= override) and tries each backend in order.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { describeAdapter, isSoftwareAdapter, planBackend, type BackendProbe, type GpuAdapterProbe } from './backend-policy';
import { backendDisplayName } from '../core/backend-stages';
import { BackendUnavailableError } from '../core/errors';
import type { BackendName, BackendReport } from './types';

interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; description?: string; device?: string };
  readonly isFallbackAdapter?: boolean;
}

async function probeGpu(): Promise<GpuAdapterProbe | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return null;
  try {
    const adapter = (await gpu.requestAdapter()) as GpuAdapterLike | null;
    if (!adapter) return null;
    const info = adapter.info ?? {};
    return {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      description: info.description || info.device || '',
      isFallbackAdapter: Boolean(adapter.isFallbackAdapter ?? (info as { isFallbackAdapter?: boolean }).isFallbackAdapter),
    };
  } catch {
    return null;
  }
}

export async function probeBackends(): Promise<BackendProbe> {
  return { gpu: await probeGpu(), crossOriginIsolated: Boolean(globalThis.crossOriginIsolated) };
}

/** A GPU backend must compute and read back (asynchronously, as the app always reads) a known product before it is trusted. */
async function readsBackCorrectly(): Promise<boolean> {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
  try {
    const values = await product.data();
    return [19, 22, 43, 50].every((expected, index) => values[index] === expected);
  } finally {
    product.dispose();
  }
}

/**
 * tf.setBackend reports a failed start only as `false` and a console warning. The warning (kept
 * in the console for developers) is an internal exception; the badge gets a sentence.
 */
async function startBackend(name: BackendName): Promise<boolean> {
  const started = await tf.setBackend(name);
  if (started) await tf.ready();
  return started;
}

/** Why a backend did not start, as a sentence for the badge. */
function failureSentence(name: BackendName, kind: 'no-start' | 'threw' | 'wrong-values'): string {
  const label = backendDisplayName(name);
  if (kind === 'wrong-values') return `${label} started but computed a wrong test product`;
  if (kind === 'threw') return `${label} failed while starting (the browser console has the details)`;
  const cause: Record<BackendName, string> = {
    webgpu: 'no usable WebGPU device',
    wasm: 'its WebAssembly files did not load',
    webgl: 'no WebGL context in this worker',
    cpu: 'an internal error',
  };
  return `${label} could not start (${cause[name]})`;
}

/** "WebGPU (software adapter, forced)", "WASM (SIMD, 1 thread)". */
function labelOf(name: BackendName, details: { forced: boolean; softwareAdapter: boolean; simd?: boolean; threads?: number }): string {
  const parts: string[] = [];
  if (name === 'wasm') {
    if (details.simd) parts.push('SIMD');
    if (details.threads) parts.push(`${details.threads} thread${details.threads === 1 ? '' : 's'}`);
  }
  if (name === 'webgpu' && details.softwareAdapter) parts.push('software adapter');
  if (details.forced) parts.push('forced');
  return `${backendDisplayName(name)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

export async function activateBackend(forced: BackendName | null): Promise<BackendReport> {
  const probe = await probeBackends();
  const plan = planBackend(probe, forced);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
  // tfjs-backend-wasm's threaded build starts pthread workers that importScripts() its
  // Emscripten glue, which a bundled module worker cannot provide ("e is not defined"), so the
  // single-threaded SIMD build is used. Our sparse kernel does the heavy first-layer work anyway.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setThreadsCount(1);
  const failures: string[] = [];
  const softwareAdapter = probe.gpu !== null && isSoftwareAdapter(probe.gpu);
  for (const name of plan.order) {
    try {
      if (!(await startBackend(name))) {
        failures.push(failureSentence(name, 'no-start'));
        continue;
      }
      if ((name === 'webgpu' || name === 'webgl') && !(await readsBackCorrectly())) {
        failures.push(failureSentence(name, 'wrong-values'));
        continue;
      }
      const fellBack = name !== plan.order[0];
      const forcedHere = plan.forced && !fellBack;
      const onSoftware = name === 'webgpu' && softwareAdapter;
      const base = {
        name,
        adapter: describeAdapter(probe.gpu),
        reason: fellBack ? `${plan.reason}; ${failures.join('; ')}, so ${backendDisplayName(name)}` : plan.reason,
        forced: plan.forced,
        ...(onSoftware && { softwareAdapter: true }),
      };
      if (name === 'wasm') {
        const details = { threads: getThreadsCount(), simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) };
        return { ...base, ...details, label: labelOf(name, { forced: forcedHere, softwareAdapter: false, ...details }) };
      }
      return { ...base, label: labelOf(name, { forced: forcedHere, softwareAdapter: onSoftware }) };
    } catch (error) {
      console.warn(`tfjs backend ${name} failed to start`, error);
      failures.push(failureSentence(name, 'threw'));
    }
  }
  throw new BackendUnavailableError(`No tfjs backend could start: ${failures.join('; ')}.`);
}

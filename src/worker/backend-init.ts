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
import { describeAdapter, planBackend, type BackendProbe, type GpuAdapterProbe } from './backend-policy';
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

/**
 * The engine reads small results synchronously (dataSync). tfjs-webgpu implements that through a
 * canvas copy, which returns zeros on some adapters (SwiftShader in a worker, measured here), so a
 * GPU backend must prove it reads back a known product before it is trusted.
 */
function readsBackCorrectly(): boolean {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
  try {
    const values = product.dataSync();
    return [19, 22, 43, 50].every((expected, index) => values[index] === expected);
  } finally {
    product.dispose();
  }
}

/**
 * tf.setBackend reports a failed start only as `false` and a console warning; keep the warning's
 * first informative line so the badge can say why a backend did not start.
 */
async function startBackend(name: BackendName): Promise<{ started: boolean; detail?: string }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' '));
    original(...args);
  };
  try {
    const started = await tf.setBackend(name);
    if (started) await tf.ready();
    const detail = warnings.map((text) => text.split('\n')[0]).find((line) => line && !/^Initialization of backend/.test(line));
    return { started, detail };
  } finally {
    console.warn = original;
  }
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
  for (const name of plan.order) {
    try {
      const { started, detail } = await startBackend(name);
      if (started) {
        if ((name === 'webgpu' || name === 'webgl') && !readsBackCorrectly()) {
          failures.push(`${name} started but read back wrong values synchronously, which the engine needs`);
          continue;
        }
        const fellBack = name !== plan.order[0];
        const report: BackendReport = {
          name,
          adapter: describeAdapter(probe.gpu),
          reason: fellBack ? `${plan.reason}; ${plan.order[0]} failed (${failures.join('; ')}), so ${name}` : plan.reason,
          forced: plan.forced,
        };
        if (name === 'wasm') {
          return { ...report, threads: getThreadsCount(), simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) };
        }
        return report;
      }
      failures.push(`${name} did not start${detail ? `: ${detail}` : ''}`);
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new BackendUnavailableError(`no tfjs backend could start: ${failures.join('; ')}`);
}

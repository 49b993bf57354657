/**
 * Which tfjs backend to use, as a pure function of what was probed, so the policy is testable
 * without a browser. WebGPU only on real hardware: on a software adapter (SwiftShader) it is
 * slower than WASM by an order of magnitude (measured: 0.5 against 22 GFLOP/s for one matmul).
 */
import type { BackendName } from './types';

export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export interface GpuAdapterProbe {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
}

export interface BackendProbe {
  /** null when navigator.gpu is missing or no adapter was granted. */
  readonly gpu: GpuAdapterProbe | null;
  readonly crossOriginIsolated: boolean;
}

export interface BackendPlan {
  /** Backends to try, best first; the first that initialises wins. */
  readonly order: BackendName[];
  readonly reason: string;
  readonly forced: boolean;
}

export function isSoftwareAdapter(gpu: GpuAdapterProbe): boolean {
  const text = `${gpu.vendor} ${gpu.architecture} ${gpu.description}`.toLowerCase();
  return gpu.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/.test(text);
}

export function describeAdapter(gpu: GpuAdapterProbe | null): string | null {
  if (!gpu) return null;
  const parts = [gpu.vendor, gpu.architecture, gpu.description].filter((part) => part && part.trim());
  return parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
}

/** `?backend=` values; anything else is ignored (and reported as such). */
export function parseBackendOverride(value: string | null): BackendName | null {
  if (!value) return null;
  const name = value.trim().toLowerCase();
  return (BACKEND_NAMES as readonly string[]).includes(name) ? (name as BackendName) : null;
}

export function planBackend(probe: BackendProbe, forced: BackendName | null): BackendPlan {
  const fallbacks: BackendName[] = ['wasm', 'webgl', 'cpu'];
  if (forced) {
    return {
      order: [forced, ...fallbacks.filter((name) => name !== forced)],
      reason: `forced by ?backend=${forced}`,
      forced: true,
    };
  }
  const wasmNote = 'WASM with SIMD';
  if (!probe.gpu) return { order: fallbacks, reason: `no WebGPU adapter, so ${wasmNote}`, forced: false };
  if (isSoftwareAdapter(probe.gpu)) {
    return { order: fallbacks, reason: `WebGPU adapter is software (${describeAdapter(probe.gpu)}), so ${wasmNote}`, forced: false };
  }
  return { order: ['webgpu', ...fallbacks], reason: `hardware WebGPU adapter (${describeAdapter(probe.gpu)})`, forced: false };
}

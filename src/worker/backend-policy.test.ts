import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter, parseBackendOverride, planBackend, type GpuAdapterProbe } from './backend-policy';

const swiftshader: GpuAdapterProbe = { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: false };
const nvidia: GpuAdapterProbe = { vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100', isFallbackAdapter: false };

describe('planBackend', () => {
  it('uses WebGPU first on a hardware adapter', () => {
    const plan = planBackend({ gpu: nvidia, crossOriginIsolated: true }, null);
    expect(plan.order).toEqual(['webgpu', 'wasm', 'webgl', 'cpu']);
    expect(plan.reason).toMatch(/hardware WebGPU adapter \(nvidia \/ hopper \/ NVIDIA H100\)/);
  });

  it('refuses a software adapter and says why', () => {
    const plan = planBackend({ gpu: swiftshader, crossOriginIsolated: true }, null);
    expect(plan.order[0]).toBe('wasm');
    expect(plan.order).not.toContain('webgpu');
    expect(plan.reason).toMatch(/software.*swiftshader/);
  });

  it('falls back to WASM without an adapter', () => {
    const plan = planBackend({ gpu: null, crossOriginIsolated: false }, null);
    expect(plan.order).toEqual(['wasm', 'webgl', 'cpu']);
    expect(plan.reason).toMatch(/no WebGPU adapter, so WASM/);
  });

  it('obeys a forced backend even on a software adapter', () => {
    const plan = planBackend({ gpu: swiftshader, crossOriginIsolated: true }, 'webgpu');
    expect(plan.order[0]).toBe('webgpu');
    expect(plan.forced).toBe(true);
  });
});

describe('isSoftwareAdapter', () => {
  it('recognises fallback adapters and known software rasterisers', () => {
    expect(isSoftwareAdapter({ ...nvidia, isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)', isFallbackAdapter: false })).toBe(true);
    expect(isSoftwareAdapter(nvidia)).toBe(false);
  });
});

describe('parseBackendOverride', () => {
  it('accepts the four backends in any case and ignores the rest', () => {
    expect(parseBackendOverride('WebGPU')).toBe('webgpu');
    expect(parseBackendOverride('cpu')).toBe('cpu');
    expect(parseBackendOverride('cuda')).toBeNull();
    expect(parseBackendOverride(null)).toBeNull();
  });
});

/**
 * Which engine runs each stage of the work, in words, for the badge and the run report: tfjs
 * (on whatever backend started) trains and evaluates; the first layer over calibration and test
 * images runs in the project's sparse WASM kernel; selection and refit are float64 JavaScript.
 */
export interface BackendStages {
  readonly training: string;
  readonly evaluation: string;
  readonly calibration: string;
  readonly selection: string;
}

const NAMES: Record<string, string> = { webgpu: 'WebGPU', wasm: 'WASM', webgl: 'WebGL', cpu: 'CPU', tensorflow: 'TensorFlow (native)' };

/** `webgpu` -> `WebGPU`; unknown names unchanged. */
export function backendDisplayName(name: string): string {
  return NAMES[name] ?? name;
}

/**
 * `label` names the tfjs backend with its qualifiers ("WebGPU (software adapter, forced)"),
 * `name` without them ("WebGPU").
 */
export function describeStages(label: string, name: string, kernel: { readonly available: boolean; readonly threads: number }): BackendStages {
  const threads = `${kernel.threads} thread${kernel.threads === 1 ? '' : 's'}`;
  return {
    training: `tfjs on ${label}`,
    evaluation: kernel.available ? `WASM kernel (first layer) + tfjs on ${name}` : `tfjs on ${name}`,
    calibration: kernel.available ? `WASM kernel, ${threads}` : 'JavaScript (no WebAssembly SIMD here)',
    selection: 'JavaScript (float64)',
  };
}

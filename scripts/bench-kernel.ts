/**
 * Times the sparse ReLU-affine WebAssembly kernel against the dense tfjs-wasm (XNNPACK) fused
 * matmul it replaces, on real MNIST calibration images and a random first layer.
 *
 * Usage: tsx scripts/bench-kernel.ts [--samples 1000] [--units 1024,10000] [--repeats 10]
 *
 * Reports the median (and fastest) of `repeats` warm runs, plus the first, cold run of the
 * kernel, in ms and as effective GFLOP/s of the dense-equivalent work 2 * n * 784 * N. Other
 * processes on the machine show up as noise: compare the fastest runs when the medians disagree.
 */
import { calibrationImages } from '../src/core/data/mnist';
import { SparseReluAffine, reluAffineSparse, sparseRowsOf, STRIP_WIDTH } from '../src/core/kernels/sparse-relu-affine';
import { MNIST_INPUT_SIZE } from '../src/core/model/mlp';
import { loadMnist } from '../src/node/mnist-files';
import { initNodeBackend, tf } from '../src/node/tf-node';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
}

/** Deterministic uniform [-1, 1) from a 32-bit LCG: the same W on every run. */
function randomArray(length: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

interface Timing {
  readonly median: number;
  readonly min: number;
}

function summary(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, min: sorted[0] };
}

function time(repeats: number, run: () => void): number[] {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times;
}

function liveColumns(x: Float32Array, rows: number, cols: number): number[] {
  const live = new Uint8Array(cols);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) if (x[i * cols + k] !== 0) live[k] = 1;
  const out: number[] = [];
  for (let k = 0; k < cols; k++) if (live[k]) out.push(k);
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function main(): Promise<void> {
  const samples = Number(option('samples', '1000'));
  const unitsList = option('units', '1024,10000').split(',').map(Number);
  const repeats = Number(option('repeats', '10'));
  const backend = await initNodeBackend('wasm');
  const { train } = await loadMnist();
  const dense = calibrationImages(train, samples);
  const inputs = MNIST_INPUT_SIZE;

  const cold = performance.now();
  const x = sparseRowsOf(dense, samples, inputs);
  const csrMs = performance.now() - cold;
  const live = liveColumns(dense, samples, inputs);
  const liveX = new Float32Array(samples * live.length);
  for (let i = 0; i < samples; i++) for (let c = 0; c < live.length; c++) liveX[i * live.length + c] = dense[i * inputs + live[c]];
  const nnz = x.rowStart[samples];
  console.log(`n = ${samples} MNIST training images: ${(nnz / samples).toFixed(1)} non-zeros per row of ${inputs} ` +
    `(${((1 - nnz / (samples * inputs)) * 100).toFixed(1)}% zeros), ${live.length} live columns; CSR built in ${csrMs.toFixed(1)} ms`);
  console.log(`tfjs backend: ${backend}; kernel strip width ${STRIP_WIDTH}; median of ${repeats} warm runs\n`);

  for (const units of unitsList) {
    const kernel = randomArray(inputs * units, 0.05, 1 + units);
    const bias = randomArray(units, 0.05, 2 + units);
    const flop = 2 * samples * inputs * units;
    const rate = (ms: number) => `${(flop / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`;
    const row = (label: string, t: Timing) =>
      console.log(`  ${label.padEnd(44)} ${t.median.toFixed(2).padStart(8)} ms ${rate(t.median)}   (fastest ${t.min.toFixed(2)} ms)`);

    // The kernel in a fresh instance: the first call includes packing W and V8's tier-up.
    let started = performance.now();
    const first = reluAffineSparse(x, kernel, bias, units);
    const firstMs = performance.now() - started;
    const oneShot = summary(time(repeats, () => reluAffineSparse(x, kernel, bias, units)));
    started = performance.now();
    const layer = new SparseReluAffine(kernel, bias, inputs, units);
    const packMs = performance.now() - started;
    const applyMs = summary(time(repeats, () => layer.apply(x)));

    const liveKernel = new Float32Array(live.length * units);
    for (let c = 0; c < live.length; c++) liveKernel.set(kernel.subarray(live[c] * units, (live[c] + 1) * units), c * units);
    let reference: Float32Array = new Float32Array(0);
    const tfjs = () => {
      const h = tf.tidy(() =>
        tf.fused.matMul({
          a: tf.tensor2d(liveX, [samples, live.length]),
          b: tf.tensor2d(liveKernel, [live.length, units]),
          bias: tf.tensor1d(bias),
          activation: 'relu',
        }),
      );
      reference = h.dataSync() as Float32Array;
      h.dispose();
    };
    tfjs(); // warm-up
    const tfjsMs = summary(time(repeats, tfjs));

    console.log(`N = ${units} (dense-equivalent ${(flop / 1e9).toFixed(2)} GFLOP)`);
    row('sparse kernel, apply (W packed once)', applyMs);
    row('sparse kernel, one-shot (packs W each call)', oneShot);
    console.log(`  ${'sparse kernel, first call (cold)'.padEnd(44)} ${firstMs.toFixed(2).padStart(8)} ms ${rate(firstMs)}`);
    console.log(`  ${'packing W (SparseReluAffine constructor)'.padEnd(44)} ${packMs.toFixed(2).padStart(8)} ms`);
    row(`tfjs ${backend} fused matMul, ${live.length} live cols`, tfjsMs);
    console.log(`  speed-up, apply vs tfjs: ${(tfjsMs.median / applyMs.median).toFixed(2)}x median, ${(tfjsMs.min / applyMs.min).toFixed(2)}x fastest; max |H_kernel - H_tfjs| = ${maxAbsDiff(first.hidden, reference).toExponential(2)}\n`);
    layer.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(`bench-kernel: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exitCode = 1;
});

/**
 * The calibration pass in a browser Web Worker, where the app runs it: the same kernels, helper
 * threads started the way the app's worker starts them (src/worker/kernel-threads.ts), MNIST
 * calibration images from the site's data/ files, and the same random 784-N-10 layers and
 * seeds as `npm run bench`. Driven by scripts/bench-browser-kernel.ts through calibration-pass.html.
 */
import { calibrationImages, mnistSplitFromBytes } from '../../src/core/data/mnist';
import { kernelThreadStatus } from '../../src/core/kernels/sparse-relu-affine';
import { randomMlp } from '../../src/core/model/random-mlp';
import { buildLayerProblem, hiddenRepresentation } from '../../src/core/pruning/layer-problem';
import { startKernelThreads } from '../../src/worker/kernel-threads';
import { timeSimdPeak } from '../simd-peak-timing';
import { withHelperShare } from '../helper-share';
import { passWork } from '../pass-work';
import { timeMedian } from '../timing';

export interface CalibrationPassRequest {
  /** The SIMD peak loop (wasm-simd-peak.ts), base64: it crosses from Node through the page as text. */
  readonly peakBase64: string;
  readonly units: readonly number[];
  readonly samples: number;
  readonly repeats: number;
}

export interface CalibrationPassRow {
  readonly units: number;
  /** Useful flops (pass-work.ts): of the whole pass, and of relu(X W + b) alone. */
  readonly passFlops: number;
  readonly reluFlops: number;
  readonly hiddenDensity: number;
  /** Median ms: buildLayerProblem (relu(X W + b), sums, U = H V), and relu(X W + b) alone. */
  readonly passMs: number;
  readonly reluMs: number;
  /** The helper threads' share of the pass's strips (over half when they had a core, near 0 when not; null on one thread). */
  readonly helperStripShare: number | null;
  readonly passOneThreadMs: number;
  readonly reluOneThreadMs: number;
}

export interface CalibrationPassResult {
  readonly userAgent: string;
  readonly peakPerThreadGflops: number;
  readonly threads: number;
  readonly threadNote: string;
  readonly rows: CalibrationPassRow[];
}

async function fetchBytes(name: string): Promise<Uint8Array> {
  const response = await fetch(`/data/${name}`);
  if (!response.ok) throw new Error(`/data/${name}: HTTP ${response.status} (run npm run prepare-data)`);
  return new Uint8Array(await response.arrayBuffer());
}

async function measure(request: CalibrationPassRequest): Promise<CalibrationPassResult> {
  const train = await mnistSplitFromBytes(await fetchBytes('train-images-idx3-ubyte.gz'), await fetchBytes('train-labels-idx1-ubyte.gz'));
  const { samples, repeats } = request;
  const calibration = calibrationImages(train, samples);
  const peakPerThreadGflops = timeSimdPeak(Uint8Array.from(atob(request.peakBase64), (c) => c.charCodeAt(0)));
  const layers = request.units.map((units) => randomMlp([784, units, 10], 7, { bias: 0.01 }).layers);
  const time = (layer: (typeof layers)[number]) => {
    const [first, next] = layer;
    const into = new Float32Array(samples * first.units);
    const { result: passMs, helperShare } = withHelperShare(() => timeMedian(repeats, () => buildLayerProblem(calibration, samples, first, next).dispose()));
    return {
      passMs,
      reluMs: timeMedian(repeats, () => void hiddenRepresentation(calibration, samples, first, into)),
      helperStripShare: helperShare,
    };
  };
  const oneThread = layers.map(time);
  const started = startKernelThreads();
  const deadline = performance.now() + 10_000;
  while (kernelThreadStatus().threads < started.threads && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const threaded = layers.map(time);
  return {
    userAgent: navigator.userAgent,
    peakPerThreadGflops,
    threads: kernelThreadStatus().threads,
    threadNote: started.note,
    rows: request.units.map((units, i) => ({
      units,
      ...passWork(calibration, samples, layers[i][0], layers[i][1]),
      passMs: threaded[i].passMs,
      helperStripShare: threaded[i].helperStripShare,
      reluMs: threaded[i].reluMs,
      passOneThreadMs: oneThread[i].passMs,
      reluOneThreadMs: oneThread[i].reluMs,
    })),
  };
}

self.onmessage = (event: MessageEvent<CalibrationPassRequest>) => {
  measure(event.data).then(
    (result) => self.postMessage({ result }),
    (error: unknown) => self.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
};

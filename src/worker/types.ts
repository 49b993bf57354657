/**
 * Plain data that crosses the worker boundary: numbers, strings, arrays and typed arrays only,
 * never a tensor. The client's view of the worker is `typeof api` (see api.ts); these are the
 * shapes of its arguments and results.
 */
import type { BackendStages } from '../core/backend-stages';
import type { PruneMethod } from '../core/pruning/methods';
import type { PruneReport } from '../core/report';
import type { PruneSettings } from '../core/settings';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

export interface BackendReport {
  readonly name: BackendName;
  /** The GPU adapter (vendor, architecture) when WebGPU was probed; null otherwise. */
  readonly adapter: string | null;
  /** Why this backend: forced by the URL, real GPU found, software adapter refused, ... */
  readonly reason: string;
  readonly forced: boolean;
  /** WebGPU on a software adapter (SwiftShader and the like). */
  readonly softwareAdapter?: boolean;
  /** The backend with its qualifiers, for people: "WebGPU (software adapter, forced)". */
  readonly label: string;
  /** What runs each stage (set once the kernel's threads are known). */
  readonly stages?: BackendStages;
  /** WASM only: threads in use and SIMD support. */
  readonly threads?: number;
  readonly simd?: boolean;
  /** Threads the sparse first-layer kernel (calibration pass, test activations) may use. */
  readonly kernelThreads?: number;
}

export type ModelSource = 'shipped' | 'trained' | 'imported';

/** A feed-forward network of Dense layers, or a convolutional one (pruned by channels). */
export type ModelKind = 'mlp' | 'cnn';

/** What a hidden layer prunes: a convolution's channels or a Dense layer's neurons. */
export type HiddenLayerKind = 'conv' | 'dense';

export interface ModelEntry {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Absent on entries saved before convolutional networks came: 'mlp'. */
  readonly kind?: ModelKind;
  /** Layer sizes, input first: [784, 1024, 10]; a CNN's convolutions count their channels: [784, 16, 32, 64, 10]. */
  readonly sizes: number[];
  readonly source: ModelSource;
  readonly testAccuracy?: number;
  readonly hiddenZeroFraction?: number;
  readonly training?: Record<string, unknown>;
}

export interface ModelSummary extends ModelEntry {
  readonly kind: ModelKind;
  /** One per hidden (prunable) layer, in order. */
  readonly hiddenKinds: readonly HiddenLayerKind[];
  readonly params: number;
  readonly macs: number;
  readonly denseAccuracy: number;
  /** A trained or imported network that could not be kept for the next visit: why. */
  readonly notSaved?: string;
}

/** The settings table's values (core/settings.ts) and the keep ratio. */
export interface PruneRequest extends PruneSettings {
  /** Fraction of hidden neurons kept: one for every hidden layer, or one per hidden layer. */
  readonly keep: number | readonly number[];
}

/** Which network Export writes, and the readouts lead with. */
export type DeliveredKind = 'raw' | 'refit' | 'finetuned';

export type JobLane = 'prune' | 'finetune' | 'train' | 'sweep' | 'maps';
export type JobState = 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

/** One lane's latest job, as the scheduler (scheduler.ts) reports it. */
export interface JobStatus {
  readonly lane: JobLane;
  /** Increases with every job started, across lanes. */
  readonly id: number;
  readonly state: JobState;
  /** Why it is paused, cancelled or failed. */
  readonly reason?: string;
}

/**
 * What the worker is doing while a model gets ready and pruned the first time: fetching the
 * model (and MNIST), building the test-activation cache, the calibration pass (the first layer
 * on the calibration images), pruning, evaluating on the test images.
 */
export type LoadPhase = 'download' | 'test-cache' | 'calibration' | 'prune' | 'evaluate';

export interface LoadProgress {
  readonly phase: LoadPhase;
  /** Share of this phase done, in [0, 1], where the worker can tell (the test cache); else absent. */
  readonly fraction?: number;
}

/**
 * Neuron (channel) indices, ascending. The worker sends an iteration's sets as Int32Arrays: a
 * typed array crosses to the page as one block copy, a plain array element by element (on
 * 784-10000-10 at 50%, twenty iterations' sets cost 12-14 ms to clone as arrays).
 */
export type IndexList = readonly number[] | Int32Array;

export interface IterationView {
  readonly iteration: number;
  readonly candidates: IndexList;
  readonly merged: IndexList;
  readonly kept: IndexList;
  readonly relativeResidual: number;
  /** Neurons that joined / left the kept set in this iteration. */
  readonly entered: number;
  readonly left: number;
}

export interface PrunedLayerView {
  /** Channels (conv) or neurons (dense) before pruning. */
  readonly units: number;
  readonly keptCount: number;
  readonly kept: number[];
  readonly relativeResidual: number;
  /** One per i-SpaSP iteration; one entry for other methods. */
  readonly residuals: number[];
  /** i-SpaSP only. */
  readonly iterations?: IterationView[];
  /** Each neuron's (channel's) importance z (gradient of the residual) at the kept set: the first hidden layer; every layer of a CNN. */
  readonly importance?: number[];
  /** A CNN's layers: each channel's (neuron's) activation sum over the calibration images and positions, its input already pruned. */
  readonly activationSums?: number[];
  /** First hidden layer, GFS only: neurons in the order they were added, and the relative residual after each addition. */
  readonly additions?: { readonly order: number[]; readonly residuals: number[] };
  /** First hidden layer, top-k and magnitude only: each neuron's score the selection ranked by (activation sum, L1 norm of incoming weights). */
  readonly criterion?: number[];
}

/** The test images accuracy figures were measured on, when not all of them. */
export interface TestSubset {
  readonly images: number;
  readonly of: number;
}

export interface PruneView {
  /** Increases with every prune the worker answers; names this result in follow-up calls (completeAccuracy). */
  readonly serial: number;
  readonly request: PruneRequest;
  readonly layers: PrunedLayerView[];
  readonly accuracy: {
    readonly dense: number;
    /** The delivered network's (what Export writes): the fine-tuned, else the refit, else the raw one. */
    readonly delivered: number;
    readonly deliveredKind: DeliveredKind;
    readonly raw: number;
    readonly refit?: number;
    readonly finetuned?: number;
    /**
     * Set while the figures are on the first test images only (a convolutional network's quick
     * result during a drag); `completeAccuracy` measures them on all of them.
     */
    readonly subset?: TestSubset;
  };
  readonly params: { readonly dense: number; readonly pruned: number };
  readonly macs: { readonly dense: number; readonly pruned: number };
  readonly timingsMs: { readonly prune: number; readonly refit: number; readonly evaluate: number; readonly finetune?: number };
  /** The CLI's report schema, for export. */
  readonly report: PruneReport;
}

export interface SweepPoint {
  readonly method: PruneMethod;
  readonly keep: number;
  readonly raw: number;
  readonly refit?: number;
  readonly pruneMs: number;
  /** Set when the accuracies are on the first test images only (convolutional networks' sweep). */
  readonly subset?: TestSubset;
}

export interface SweepRequest {
  readonly methods: readonly PruneMethod[];
  /** Skip a method above this keep ratio (GFS gets slow as the kept set grows). */
  readonly maxKeep?: Partial<Record<PruneMethod, number>>;
  readonly keeps: readonly number[];
  readonly iterations: number;
  readonly samples: number;
  readonly seed: number;
  readonly refit: boolean;
}

/** What the neuron grid draws: each first-layer neuron's incoming weights and statistics. */
export interface NeuronAtlas {
  readonly units: number;
  /** Row-major [min(units, the requested maximum), 784], each row scaled to [-1, 1] (see neuronAtlas). */
  readonly weights: Float32Array;
  /** Activation sum over the calibration images, per neuron. */
  readonly activationSums: Float64Array;
}

export interface SparsityProfile {
  /** Hidden activation magnitudes of the first hidden layer on calibration images, sorted descending, sampled log-spaced. */
  readonly rank: number[];
  readonly magnitude: number[];
  readonly zeroFraction: number;
}

export interface Prediction {
  readonly dense: number[];
  readonly pruned: number[];
}

export interface TrainRequest {
  readonly hiddenWidths: number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly activationL1: number;
  readonly seed: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly title?: string;
}

export interface TrainProgressView {
  readonly fraction: number;
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly examplesPerSecond: number;
  readonly etaSeconds: number;
  readonly testAccuracy?: number;
}

export interface ExportedFiles {
  readonly baseName: string;
  readonly modelJson: string;
  readonly weightsFileName: string;
  readonly weights: ArrayBuffer;
  readonly reportJson: string;
}

/** One exported file of the pruned network (ONNX or safetensors). */
export interface ExportedNetwork {
  readonly fileName: string;
  readonly bytes: ArrayBuffer;
}

export interface WorkerMemory {
  readonly numTensors: number;
  readonly numBytes: number;
  /**
   * Tensors a running sweep holds between its steps: part of numTensors, released when the sweep
   * ends (0 since GFS works on typed arrays; kept so a regression would show).
   */
  readonly sweepTensors: number;
}

/** The digit the Channels view's maps are for: a test image by index, or pixels (the digit pad's, 784 values in [0, 1]). */
export type ChannelDigit = { readonly kind: 'test'; readonly index: number } | { readonly kind: 'pixels'; readonly pixels: Float32Array };

/** A test image offered by the Channels view's digit chooser. */
export interface ChannelTestDigit {
  /** Index in the MNIST test set. */
  readonly index: number;
  readonly label: number;
  /** 784 values in [0, 1]. */
  readonly pixels: Float32Array;
}

/** What the Channels view shows maps of: a digit, and the kept channels of each hidden stage. */
export interface ChannelMapsRequest {
  readonly digit: ChannelDigit;
  /** Per hidden stage (a prune view's layers), the kept channels; null for the dense network. */
  readonly kept: readonly (readonly number[])[] | null;
  /** Per hidden stage, each channel's importance (the prune view's), shown on hover. */
  readonly importance?: readonly (readonly number[] | null)[];
  /**
   * The prune whose delivered network (refit or fine-tuned weights) computes the kept maps, when
   * `kept` is that prune's final sets; otherwise (step mode, another prune) the dense network's
   * kept slices do.
   */
  readonly serial?: number;
}

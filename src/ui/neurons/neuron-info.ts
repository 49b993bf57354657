/** What the neuron grid says about one neuron (pure). */
import type { IndexList } from '../../client/worker-client';

export interface StepSets {
  /** What a step is: an i-SpaSP iteration (default), one GFS addition, or a one-shot selection. */
  readonly kind?: 'iterations' | 'additions' | 'single';
  readonly iteration: number;
  readonly candidates: IndexList;
  readonly merged: IndexList;
  readonly kept: IndexList;
}

export type NeuronStatus = 'kept' | 'pruned' | 'candidate' | 'merged' | 'outside' | 'none';

export interface NeuronSets {
  readonly kept: ReadonlySet<number> | null;
  readonly candidates: ReadonlySet<number> | null;
  readonly merged: ReadonlySet<number> | null;
  readonly stepKept: ReadonlySet<number> | null;
}

export function neuronSets(kept: readonly number[] | null, step: StepSets | null): NeuronSets {
  return {
    kept: kept ? new Set(kept) : null,
    candidates: step ? new Set(step.candidates) : null,
    merged: step ? new Set(step.merged) : null,
    stepKept: step ? new Set(step.kept) : null,
  };
}

/**
 * In step mode: 'kept' (kept after the iteration), 'candidate' (in Omega, not kept), 'merged'
 * (in the merged set only, i.e. the previous support), 'outside'. Otherwise 'kept' / 'pruned', or
 * 'none' when there is no kept set yet.
 */
export function neuronStatus(index: number, sets: NeuronSets): NeuronStatus {
  if (sets.stepKept) {
    if (sets.stepKept.has(index)) return 'kept';
    if (sets.candidates?.has(index)) return 'candidate';
    if (sets.merged?.has(index)) return 'merged';
    return 'outside';
  }
  if (!sets.kept) return 'none';
  return sets.kept.has(index) ? 'kept' : 'pruned';
}

const STATUS_TEXT: Record<NeuronStatus, string> = {
  kept: 'kept',
  pruned: 'pruned',
  candidate: 'candidate (Ω), not kept',
  merged: 'in the merged set, not kept',
  outside: 'not considered',
  none: '',
};

export interface NeuronDetails {
  readonly index: number;
  readonly status: NeuronStatus;
  /** In step mode, whether the neuron is also in Omega (kept neurons can be candidates too). */
  readonly inOmega: boolean;
  readonly activationSum: number | null;
  readonly importance: number | null;
  readonly enteredAt: number | null;
  readonly stepMode: boolean;
}

export function neuronDetails(
  index: number,
  sets: NeuronSets,
  activationSums: ArrayLike<number> | null,
  importance: readonly number[] | undefined,
  enteredAt: readonly (number | null)[] | undefined,
): NeuronDetails {
  const finite = (value: number | null | undefined) => (value === undefined || value === null || !Number.isFinite(value) ? null : value);
  return {
    index,
    status: neuronStatus(index, sets),
    inOmega: sets.candidates?.has(index) ?? false,
    activationSum: finite(activationSums ? activationSums[index] : null),
    importance: finite(importance?.[index]),
    enteredAt: enteredAt ? (enteredAt[index] ?? null) : null,
    stepMode: sets.stepKept !== null,
  };
}

/** Short number: 3 significant digits, thousands separators for large values. */
/** Built once: toLocaleString builds a formatter per call, and a view labels a hundred channels per prune. */
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatValue(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return GROUPED.format(Math.round(value));
  if (magnitude < 0.001) return value.toExponential(2);
  return String(Number(value.toPrecision(3)));
}

/** One line, e.g. "Neuron 17: kept, ..."; neurons are numbered from 0, like the report's `kept` indices. */
export function describeNeuron(details: NeuronDetails): string {
  const parts = [`Neuron ${details.index}`];
  const status = STATUS_TEXT[details.status];
  const omega = details.stepMode && details.status === 'kept' && details.inOmega ? ' (also in Ω)' : '';
  const head = status ? `${parts[0]}: ${status}${omega}` : parts[0];
  const rest: string[] = [];
  if (details.activationSum !== null) rest.push(`activation sum ${formatValue(details.activationSum)}`);
  if (details.importance !== null) rest.push(`importance ${formatValue(details.importance)}`);
  if (details.enteredAt !== null) rest.push(`entered at iteration ${details.enteredAt}`);
  return [head, ...rest].join(', ');
}

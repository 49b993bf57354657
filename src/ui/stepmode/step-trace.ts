/**
 * Step mode for every method (pure): what one step shows on the neuron grid and what it says in
 * words. i-SpaSP steps through its iterations, GFS through its greedy additions one neuron at a
 * time, and top-k, magnitude and random have one step: their single selection and its criterion.
 */
import type { HiddenLayerKind, IndexList, PrunedLayerView, PruneMethod } from '../../client/worker-client';
import { unitNoun } from '../unit-words';
import type { StepSets } from '../neurons/neuron-info';

export type TraceKind = 'iterations' | 'additions' | 'single';

export interface Narration {
  /** One line: where the step is. */
  readonly headline: string;
  /** The step's numbers, each a sentence. */
  readonly lines: string[];
  /** Step index (0-based) to jump to, with its button label; absent when there is none. */
  readonly jump?: { readonly index: number; readonly label: string };
}

export interface StepTrace {
  readonly kind: TraceKind;
  readonly total: number;
  sets(index: number): StepSets;
  narrate(index: number | null): Narration;
}

const count = (value: number) => value.toLocaleString('en-US');
const residual = (value: number) => value.toFixed(4);
const score = (value: number) => (Math.abs(value) >= 100 ? count(Math.round(value)) : String(Number(value.toPrecision(4))));
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** The first iteration (0-based) from which every later kept set equals the final one. */
export function settledFrom(kept: readonly IndexList[]): number {
  if (kept.length === 0) return 0;
  const final = kept[kept.length - 1];
  const same = (a: IndexList) => a.length === final.length && a.every((value: number, k: number) => value === final[k]);
  let index = kept.length - 1;
  while (index > 0 && same(kept[index - 1])) index--;
  return index;
}

export interface TraceContext {
  readonly method: PruneMethod;
  readonly samples: number;
  readonly seed: number;
  /** What the layer's units are: a convolution's channels or a Dense layer's neurons (the default). */
  readonly unit?: HiddenLayerKind;
}

interface Nouns {
  readonly one: string;
  readonly many: string;
}

function nounsOf(unit: HiddenLayerKind = 'dense'): Nouns {
  return { one: unitNoun(unit, 1), many: unitNoun(unit) };
}

export function stepTrace(layer: PrunedLayerView, context: TraceContext): StepTrace {
  const u = nounsOf(context.unit);
  if (context.method === 'ispasp' && layer.iterations && layer.iterations.length > 0) return iterationTrace(layer, u);
  if (context.method === 'gfs' && layer.additions && layer.additions.order.length > 0) return additionTrace(layer, u);
  return singleTrace(layer, context, u);
}

function sParts(layer: PrunedLayerView, u: Nouns): string {
  const s = layer.keptCount;
  return `s = ${count(s)} is the number of ${u.many} kept (${((100 * s) / layer.units).toFixed(s * 1000 < layer.units ? 2 : 1)}% of ${count(layer.units)}); 2s = ${count(Math.min(2 * s, layer.units))} is the number of candidates Ω each iteration takes, the ${u.many} whose importance z (how much they would shrink the output error) is largest.`;
}

function iterationTrace(layer: PrunedLayerView, u: Nouns): StepTrace {
  const iterations = layer.iterations!;
  const total = iterations.length;
  const settled = settledFrom(iterations.map((step) => step.kept));
  const settledText =
    settled < total - 1
      ? `The kept set stopped changing after iteration ${settled + 1}: iterations ${settled + 2} to ${total} repeat it.`
      : `The kept set was still changing at the last iteration.`;
  const jump = settled < total - 1 ? { index: settled, label: `Jump to iteration ${settled + 1}, where it settled` } : undefined;
  return {
    kind: 'iterations',
    total,
    sets: (index) => iterations[clamp(index, total)],
    narrate(index) {
      if (index === null) {
        return {
          headline: `Final kept set after ${plural(total, 'iteration')}; relative residual ${residual(layer.relativeResidual)}. Step replays the iterations.`,
          lines: [sParts(layer, u), settledText],
          jump,
        };
      }
      const k = clamp(index, total);
      const step = iterations[k];
      const before = k === 0 ? null : iterations[k - 1].relativeResidual;
      const changed =
        step.entered === 0 && step.left === 0
          ? `No ${u.one} entered or left the kept set.`
          : `${plural(step.entered, u.one)} entered the kept set and ${count(step.left)} left it.`;
      return {
        headline: `Iteration ${k + 1} of ${total}: ${step.entered} in, ${step.left} out, relative residual ${residual(step.relativeResidual)}${before === null ? '' : ` (was ${residual(before)})`}.`,
        lines: [
          sParts(layer, u),
          `This iteration took the ${count(step.candidates.length)} candidates Ω (pink frames), merged them with the kept set into ${count(step.merged.length)} ${u.many}, and kept the ${count(step.kept.length)} of them with the largest activation sum (bright). ${changed}`,
          k >= settled && settled < total - 1 ? settledText : `Relative residual after it: ${residual(step.relativeResidual)}.`,
        ],
        jump: k === settled ? undefined : jump,
      };
    },
  };
}

function additionTrace(layer: PrunedLayerView, u: Nouns): StepTrace {
  const { order, residuals } = layer.additions!;
  const total = order.length;
  return {
    kind: 'additions',
    total,
    sets: (index) => {
      const k = clamp(index, total);
      return { kind: 'additions', iteration: k + 1, candidates: [order[k]], merged: [], kept: order.slice(0, k + 1) };
    },
    narrate(index) {
      if (index === null) {
        return {
          headline: `GFS added ${plural(total, u.one)} one at a time; relative residual ${residual(residuals[total - 1])}. Step walks the additions.`,
          lines: [
            `s = ${count(total)} is the number of ${u.many} kept. Each addition scores every ${u.one} not yet kept against the current residual R (a pass over the calibration data) and adds the one that lowers it most; no ${u.one} ever leaves.`,
          ],
          jump: { index: total - 1, label: `Jump to the last addition (${count(total)})` },
        };
      }
      const k = clamp(index, total);
      const before = k === 0 ? 1 : residuals[k - 1];
      return {
        headline: `Addition ${count(k + 1)} of ${count(total)}: ${u.one} ${order[k]} joined; relative residual ${residual(residuals[k])} (was ${residual(before)}).`,
        lines: [
          `Greedy step ${count(k + 1)} compared all ${count(layer.units - k)} ${u.many} not yet kept and added ${u.one} ${order[k]} (pink frame), the one whose addition lowered ‖U − H_S V_S‖ the most. The ${count(k)} added before it stay (bright).`,
          `s = ${count(total)}: ${count(total - k - 1)} additions to go, each another pass over the calibration data.`,
        ],
        jump: k < total - 1 ? { index: total - 1, label: `Jump to the last addition (${count(total)})` } : undefined,
      };
    },
  };
}

const CRITERIA: Partial<Record<PruneMethod, { name: string; symbol: string }>> = {
  topk: { name: 'activation sum over the calibration images', symbol: 'h̄_j' },
  magnitude: { name: 'L1 norm of incoming weights', symbol: '‖W[:, j]‖₁' },
};

function singleTrace(layer: PrunedLayerView, context: TraceContext, u: Nouns): StepTrace {
  const s = layer.keptCount;
  const sets: StepSets = { kind: 'single', iteration: 1, candidates: [], merged: [], kept: layer.kept };
  const criterion = context.method === 'magnitude' && context.unit === 'conv' ? { name: 'L1 norm of its kernel slice', symbol: '‖K[..., c]‖₁' } : CRITERIA[context.method];
  const lines: string[] = [];
  let headline: string;
  if (criterion && layer.criterion && layer.criterion.length === layer.units) {
    const scores = layer.criterion;
    const kept = new Set(layer.kept);
    let lowestKept = Infinity;
    let highestPruned = -Infinity;
    for (let j = 0; j < scores.length; j++) {
      if (kept.has(j)) lowestKept = Math.min(lowestKept, scores[j]);
      else highestPruned = Math.max(highestPruned, scores[j]);
    }
    headline = `One selection: the ${count(s)} ${u.many} with the largest ${criterion.name} (${criterion.symbol}).`;
    lines.push(`Every kept ${u.one} has ${criterion.symbol} ≥ ${score(lowestKept)}${Number.isFinite(highestPruned) ? `; the highest pruned one has ${score(highestPruned)}` : ''}.`);
    if (context.method === 'topk') lines.push(`This is i-SpaSP’s thresholding step alone, on ${count(context.samples)} calibration images: no importance, no candidates, no iterations.`);
    else lines.push(`It never looks at the data: a ${u.one} with large weights that never fires is kept all the same.`);
  } else if (context.method === 'random') {
    headline = `One selection: ${count(s)} ${u.many} drawn uniformly at random (seed ${context.seed}).`;
    lines.push(`No criterion: every ${u.one} had the same chance, ${count(s)} in ${count(layer.units)}. Change the seed to draw another set.`);
  } else {
    headline = `One selection of ${count(s)} ${u.many}.`;
  }
  lines.push(`Relative residual of the kept set: ${residual(layer.relativeResidual)}. There is nothing to iterate: Step shows this one selection.`);
  return { kind: 'single', total: 1, sets: () => sets, narrate: () => ({ headline, lines }) };
}

function clamp(index: number, total: number): number {
  return Math.max(0, Math.min(total - 1, index));
}

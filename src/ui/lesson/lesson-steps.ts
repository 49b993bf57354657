/**
 * The guided lesson's content, as data: each step says which network, method and keep ratio the
 * page shows, what it points at, and the one idea of the step. The Lesson component only plays
 * this table; editing the story never touches the component.
 *
 * The figures quoted are measured with `npm run prune` on the shipped models (wasm backend,
 * 1,000 calibration images, seed 0); the page shows its own measurements next to them.
 */
import type { PruneMethod } from '../../client/worker-client';

/** What a step points at: a region of the page, found by its data-testid. */
export type LessonFocus =
  | 'sparsity-chart'
  | 'keep-slider'
  | 'neuron-grid'
  | 'residual-chart'
  | 'accuracy-chart'
  | 'side-by-side'
  | 'pruned-accuracy'
  | 'timing-chart';

export interface LessonStep {
  readonly title: string;
  /** The one idea of the step, two to four sentences. */
  readonly text: string;
  readonly model: string;
  readonly method: PruneMethod;
  /** Percent of hidden neurons kept. */
  readonly keep: number;
  readonly refit: boolean;
  /** Fine-tuning epochs after pruning; 0 = off. */
  readonly finetune: number;
  readonly focus: LessonFocus;
  /** Open step mode at this i-SpaSP iteration (0-based); absent = the final result. */
  readonly iteration?: number;
  /** Open the side-by-side comparison of the sparse and the dense network. */
  readonly compare?: boolean;
}

export const LESSON_STEPS: readonly LessonStep[] = [
  {
    title: 'Silent neurons',
    text:
      'This network has 1,024 hidden neurons, but for a typical digit only about 34 of them output anything: 97% of its hidden activations are exactly zero (the chart). ' +
      'A neuron that is silent on the data adds nothing to the output, so it can go. ' +
      'Structured pruning removes whole neurons, which makes the network genuinely smaller and faster.',
    model: 'mlp-1024-sparse',
    method: 'ispasp',
    keep: 10,
    refit: false,
    finetune: 0,
    focus: 'sparsity-chart',
  },
  {
    title: 'The slider',
    text:
      'The slider sets the share of hidden neurons kept; here 50%. Every move re-prunes the network in your browser and measures it on the 10,000 MNIST test images. ' +
      'Try it, or press [ and ]: accuracy hardly moves until very few neurons are left.',
    model: 'mlp-1024-sparse',
    method: 'ispasp',
    keep: 50,
    refit: false,
    finetune: 0,
    focus: 'keep-slider',
  },
  {
    title: 'One i-SpaSP iteration',
    text:
      'Keep s = 102 of 1,024 neurons (10%). i-SpaSP starts with nothing kept and scores every neuron by how much it would shrink the output error. ' +
      'It takes the 2s best-scoring neurons as candidates (Ω, outlined), merges them with the current kept set, and keeps the s with the largest total activation over the calibration images (bright tiles).',
    model: 'mlp-1024-sparse',
    method: 'ispasp',
    keep: 10,
    refit: false,
    finetune: 0,
    focus: 'neuron-grid',
    iteration: 0,
  },
  {
    title: 'The residual',
    text:
      'The relative residual ‖U − H_S V_S‖ / ‖U‖ measures how far the pruned layer’s output is from the dense one on the calibration images: 0 is a perfect copy, 1 is nothing left. ' +
      'Watch i-SpaSP lower it in a few iterations; after that the kept set stops changing.',
    model: 'mlp-1024-sparse',
    method: 'ispasp',
    keep: 10,
    refit: false,
    finetune: 0,
    focus: 'residual-chart',
  },
  {
    title: 'Methods compared on a sparse network',
    text:
      'Each line is one way to choose the kept neurons, measured across keep ratios. ' +
      'On this sparse network i-SpaSP and top-k (keep the most active neurons) stay near the dense accuracy down to a few percent kept (about 96% at 10%), while random selection collapses (about 52%).',
    model: 'mlp-1024-sparse',
    method: 'ispasp',
    keep: 10,
    refit: false,
    finetune: 0,
    focus: 'accuracy-chart',
  },
  {
    title: 'Sparsity is what makes it work',
    text:
      'The same method at the same ratio on two networks trained alike, except that the left one had a penalty on its activations. ' +
      'On the dense network (right; 65% zeros instead of 97%) the activity is spread over many neurons, so no small set can stand in for the rest and accuracy drops far more.',
    model: 'mlp-1024-sparse',
    method: 'ispasp',
    keep: 10,
    refit: false,
    finetune: 0,
    focus: 'side-by-side',
    compare: true,
  },
  {
    title: 'On a dense network, random wins, and why',
    text:
      'On the dense network at 10% kept, random selection scores about 83% before any repair, magnitude about 69%, i-SpaSP about 51%. The paper is not wrong: i-SpaSP minimises the residual, which counts the scale of the logits. ' +
      'A random subset keeps about one in ten of every group of similar neurons, so each digit’s logits come out as a scaled-down copy with the same largest entry, and accuracy only needs the largest. The same happens on mlp-10000, the paper’s width, below about 10% kept.',
    model: 'mlp-1024',
    method: 'random',
    keep: 10,
    refit: false,
    finetune: 0,
    focus: 'accuracy-chart',
  },
  {
    title: 'Refit repairs the scale',
    text:
      'Refit solves a least-squares problem for the next layer’s weights so that the kept neurons reproduce the dense network’s outputs. ' +
      'It restores the lost scale: i-SpaSP on the dense network goes from about 51% to about 95% at 10% kept, ahead of random (about 93%).',
    model: 'mlp-1024',
    method: 'ispasp',
    keep: 10,
    refit: true,
    finetune: 0,
    focus: 'pruned-accuracy',
  },
  {
    title: 'Fine-tuning recovers the rest',
    text:
      'Fine-tuning trains the pruned network a little more on the training images, here for a quarter of an epoch. ' +
      'It takes i-SpaSP’s network from about 51% to about 96%, and random’s from about 83% to about 95.5%: the gap between methods shrinks to under a point, and longer fine-tuning closes in on the dense accuracy. ' +
      'The kept set matters most when there is no time to retrain.',
    model: 'mlp-1024',
    method: 'ispasp',
    keep: 10,
    refit: false,
    finetune: 0.25,
    focus: 'pruned-accuracy',
  },
  {
    title: 'i-SpaSP against GFS in time',
    text:
      'Greedy forward selection (GFS) adds one neuron at a time, the one that lowers the residual most, and each addition needs a pass over the calibration data, so its time grows with the kept count. ' +
      'i-SpaSP needs one pass, then each iteration is a small matrix product. The bars compare prune times at the same kept count.',
    model: 'mlp-1024-sparse',
    method: 'gfs',
    keep: 10,
    refit: false,
    finetune: 0,
    focus: 'timing-chart',
  },
];

/** The 1-based step number in `?lesson=k`, or null when absent or out of range. */
export function lessonStepFromSearch(search: string, count = LESSON_STEPS.length): number | null {
  const raw = new URLSearchParams(search).get('lesson');
  if (raw === null || !/^\d{1,3}$/.test(raw)) return null;
  const step = Number(raw);
  return step >= 1 && step <= count ? step : null;
}

/** `search` with `lesson=k` set (k 1-based) or removed (null), other parameters kept. */
export function withLessonStep(search: string, step: number | null): string {
  const params = new URLSearchParams(search);
  if (step === null) params.delete('lesson');
  else params.set('lesson', String(step));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The whole query of a step's shareable link: its settings and its number. */
export function lessonSearch(index: number, steps: readonly LessonStep[] = LESSON_STEPS): string {
  const step = steps[index];
  const params = new URLSearchParams({
    model: step.model,
    method: step.method,
    keep: String(step.keep),
    refit: step.refit ? '1' : '0',
    finetune: String(step.finetune),
    lesson: String(index + 1),
  });
  return `?${params.toString()}`;
}

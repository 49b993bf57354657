/** The progress bar shown while a model loads and is pruned the first time: phases in words, one overall percent. */
import type { LoadPhase, LoadProgress } from '../client/worker-client';

/**
 * Where each phase sits on the bar, in percent. The spans follow the measured shares on
 * 784-10000-10 (the test-activation cache is most of the wait); on small models every phase is
 * over before anyone sees the bar.
 */
const PHASES: Record<LoadPhase, { readonly label: string; readonly start: number; readonly span: number }> = {
  download: { label: 'Loading the model', start: 0, span: 5 },
  'test-cache': { label: 'Running the 10,000 test images through the first layer', start: 5, span: 80 },
  calibration: { label: 'Calibration pass over the training images', start: 85, span: 8 },
  prune: { label: 'Pruning', start: 93, span: 4 },
  evaluate: { label: 'Measuring test accuracy', start: 97, span: 3 },
};

export interface LoadBar {
  readonly phase: LoadPhase;
  readonly label: string;
  /** 0..100, never going back while one model loads. */
  readonly percent: number;
}

export function loadBar(progress: LoadProgress, previous: LoadBar | null): LoadBar {
  const { label, start, span } = PHASES[progress.phase];
  const fraction = Math.min(1, Math.max(0, progress.fraction ?? 0));
  return { phase: progress.phase, label, percent: Math.max(previous?.percent ?? 0, start + span * fraction) };
}

/**
 * On a dense network random and magnitude selection beat i-SpaSP before any repair at low keep
 * ratios (docs/REPRODUCE.md, mlp-10000); without a word here a class would conclude the paper is
 * wrong. Shown next to the accuracy chart while such a network is open.
 */
import type { ModelSummary } from '../../client/worker-client';
import { CardButton } from './MethodCards';

/** Below this share of zero hidden activations a network counts as dense here (mlp-1024: 65%, mlp-10000: 78%; the sparse ones 94-97%). */
export const DENSE_BELOW_ZERO_FRACTION = 0.9;

export function DenseNote({ model }: { model: ModelSummary | null }) {
  const zeros = model?.hiddenZeroFraction;
  // The note is about Dense networks' logits (docs/REPRODUCE.md); a CNN's channels are another story.
  if (model?.kind === 'cnn' || zeros === undefined || zeros >= DENSE_BELOW_ZERO_FRACTION) return null;
  return (
    <p className="dense-note" data-testid="dense-note">
      <strong>A dense network</strong> ({Math.round(zeros * 100)}% of hidden activations are zero): below about 10% kept, random and magnitude
      selection can score higher than i-SpaSP before refit or fine-tuning. That is about the scale of the logits, not a flaw in the paper.{' '}
      <CardButton topic="ispasp" label="Why?" />
    </p>
  );
}

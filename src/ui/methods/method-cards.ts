/**
 * What each method and measure is, in two to four sentences and one formula: the content of the
 * method cards (MethodCards.tsx shows them). Notation as in ALGORITHM.md: H the hidden
 * activations on the calibration images (n x N), V the next layer's kernel, U = H V, s the kept
 * count, S the kept set.
 */
export type CardTopic = 'ispasp' | 'topk' | 'magnitude' | 'random' | 'gfs' | 'refit' | 'finetune' | 'residual';

export interface MethodCard {
  readonly title: string;
  readonly text: string;
  readonly formula: string;
  /** Where it behaves against expectations, and why. */
  readonly note?: string;
}

/** Why random and magnitude beat i-SpaSP before any repair on dense networks (docs/REPRODUCE.md). */
const DENSE_NOTE =
  'On dense networks (mlp-1024; mlp-10000, the paper’s width, below about 10% kept) random and magnitude selection score higher raw accuracy than i-SpaSP, and top-k far lower. ' +
  'The residual counts the scale of the logits as well as their direction, and is dominated by the images with the largest logits; a random subset keeps about s/N of every group of similar neurons, so each image’s logits come out as a scaled-down copy whose largest entry, the prediction, survives. ' +
  'Minimising the residual recovers more of the magnitude, not more of the direction. A refit or fine-tuning restores the scale, and then i-SpaSP is back at or near the top.';

export const METHOD_CARDS: Record<CardTopic, MethodCard> = {
  ispasp: {
    title: 'i-SpaSP',
    text:
      'Iterative Sparse Structured Pruning (Wolfe & Kyrillidis, 2021) treats choosing s neurons as sparse signal recovery. ' +
      'Each iteration scores every neuron by z, the gradient of the output error; takes the 2s best as candidates Ω; merges them with the kept set S; and keeps the s neurons of the merge with the largest total activation. ' +
      'After one pass over the calibration data an iteration costs only O(N · d_out).',
    formula: 'z = V Vᵀ (h̄ − h̄_S),  Ω = top₂ₛ(z),  S ← top_s of h̄ over Ω ∪ S,  h̄_j = Σ_i H[i, j]',
    note: DENSE_NOTE,
  },
  topk: {
    title: 'top-k',
    text:
      'Keep the s neurons with the largest total activation over the calibration images: i-SpaSP’s thresholding step alone, without the error-driven candidates. ' +
      'It works when a few neurons carry most of the activity (sparse networks) and fails when activity is spread out.',
    formula: 'S = top_s(h̄),  h̄_j = Σ_i H[i, j]',
  },
  magnitude: {
    title: 'magnitude',
    text:
      'Keep the s neurons whose incoming weights have the largest L1 norm (Li et al., 2017). ' +
      'It needs no data at all; it does not know which neurons the data actually uses.',
    formula: 'S = top_s(‖W[:, j]‖₁) = top_s(Σ_i |W[i, j]|)',
    note: DENSE_NOTE,
  },
  random: {
    title: 'random',
    text:
      'Keep s neurons drawn uniformly without replacement, from the seed: the baseline every method should beat. ' +
      'On sparse networks it loses badly, because most neurons it draws are silent.',
    formula: 'S = a uniform random s-subset of {1, …, N}',
    note: DENSE_NOTE,
  },
  gfs: {
    title: 'GFS (greedy forward selection)',
    text:
      'Start with nothing kept and add, s times, the neuron whose inclusion lowers the residual most (after Ye et al., 2020, on i-SpaSP’s objective). ' +
      'Each addition scores every neuron against the current residual R, a pass over the calibration data, so its time grows with s: the cost the paper contrasts with i-SpaSP’s.',
    formula: 'j* = argmax_j 2⟨R, H[:, j] V[j, :]⟩ − ‖H[:, j]‖² ‖V[j, :]‖²,  R ← R − H[:, j*] V[j*, :]',
  },
  refit: {
    title: 'Least-squares refit',
    text:
      'After any selection, replace the next layer’s kept rows and bias by the ridge least-squares fit that maps the kept activations to the dense network’s next-layer pre-activations. ' +
      'It repairs the scale pruning removes, without new training; it needs more calibration images than kept neurons.',
    formula: '[V′; b′] = argmin ‖[H_S 1][V′; b′] − Z‖²_F + λ ‖[V′; b′]‖²_F',
  },
  finetune: {
    title: 'Fine-tuning',
    text:
      'Train the pruned network further on the 60,000 training images (Adam, cross-entropy), starting from its pruned weights. ' +
      'It recovers most of the accuracy any selection lost: on mlp-10000 after 2 epochs every method ends between 97.0% and 98.0% (docs/REPRODUCE.md), within about a point of each other. The kept set matters most when there is no time to retrain.',
    formula: 'θ_S ← θ_S − η ∇ CE(f_S(x; θ_S), y) over the training set',
  },
  residual: {
    title: 'Relative residual',
    text:
      'How far the pruned layer’s contribution to the next layer is from the dense one’s, on the calibration images (the next layer’s bias cancels). ' +
      '0 is an exact copy, 1 is as if nothing were kept. It counts the size of the logits as well as their direction, which is why the lowest residual is not always the highest accuracy.',
    formula: '‖U − H[:, S] V[S, :]‖_F / ‖U‖_F,  U = H V',
  },
};

export const CARD_TOPICS = Object.keys(METHOD_CARDS) as CardTopic[];

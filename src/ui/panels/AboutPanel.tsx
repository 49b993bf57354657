export function AboutPanel() {
  return (
    <details className="card about" data-testid="about-panel">
      <summary>
        <h2>About i-SpaSP</h2>
      </summary>
      <p>
        Structured pruning removes whole neurons, so the pruned network is genuinely smaller and faster. i-SpaSP (Wolfe &amp;
        Kyrillidis, 2021) treats choosing which neurons to keep as sparse signal recovery: the next layer's output should be
        rebuilt from as few hidden neurons as possible. Each iteration scores every neuron by how much it would reduce the
        current output error, merges the best 2s candidates with the kept set, and keeps the s neurons with the largest total
        activation. Because the importance has a closed form, each iteration costs almost nothing after one pass over the
        calibration images, which is why it is so much faster than greedy selection. Its guarantee needs compressible hidden
        activations (a few neurons carry most of the mass), which is why networks trained with a sparsity penalty prune best.
      </p>
      <p>
        Paper:{' '}
        <a href="https://arxiv.org/abs/2112.04905" target="_blank" rel="noreferrer">
          i-SpaSP: Structured Neural Pruning via Sparse Signal Recovery (arXiv:2112.04905)
        </a>
        .
      </p>
    </details>
  );
}

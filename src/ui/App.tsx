/** Placeholder until the playground issue: says what exists today and how to use it. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '3rem auto', lineHeight: 1.5 }}>
      <h1>SpaSP Playground</h1>
      <p>
        Structured pruning of feed-forward MNIST networks with i-SpaSP (Wolfe &amp; Kyrillidis, 2021).
        The interactive playground is being built; the pruning engine is available from the command line:
      </p>
      <pre data-testid="cli-hint">npm run prune -- --model public/models/mlp-1024-sparse/model.json --keep 0.1</pre>
    </main>
  );
}

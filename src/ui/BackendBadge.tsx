import type { BackendReport } from '../client/worker-client';

export function BackendBadge({ backend }: { backend: BackendReport | null }) {
  if (!backend) return <span className="badge">starting…</span>;
  const plural = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  const extra =
    (backend.name === 'wasm' ? ` · ${plural(backend.threads ?? 1)}${backend.simd ? ' · SIMD' : ''}` : '') +
    (backend.kernelThreads ? ` · pruning kernel ${plural(backend.kernelThreads)}` : '');
  return (
    <span className="badge" data-testid="backend-badge" title={`${backend.reason}${backend.adapter ? ` · adapter: ${backend.adapter}` : ''}`}>
      <strong>{backend.name.toUpperCase()}</strong>
      {extra}
      <span className="badge-reason">{backend.reason}</span>
    </span>
  );
}

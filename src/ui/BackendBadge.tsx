import type { BackendReport } from '../client/worker-client';

export function BackendBadge({ backend }: { backend: BackendReport | null }) {
  if (!backend) return <span className="badge">starting…</span>;
  const extra = backend.name === 'wasm' ? ` · ${backend.threads ?? 1} thread${backend.threads === 1 ? '' : 's'}${backend.simd ? ' · SIMD' : ''}` : '';
  return (
    <span className="badge" data-testid="backend-badge" title={`${backend.reason}${backend.adapter ? ` · adapter: ${backend.adapter}` : ''}`}>
      <strong>{backend.name.toUpperCase()}</strong>
      {extra}
      <span className="badge-reason">{backend.reason}</span>
    </span>
  );
}

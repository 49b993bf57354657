import type { BackendReport } from '../client/worker-client';

export function BackendBadge({ backend }: { backend: BackendReport | null }) {
  if (!backend) return <span className="badge">starting…</span>;
  const plural = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  const extra = backend.kernelThreads ? ` · pruning kernel ${plural(backend.kernelThreads)}` : '';
  const stages = backend.stages
    ? `training: ${backend.stages.training} · evaluation: ${backend.stages.evaluation} · calibration pass: ${backend.stages.calibration} · selection: ${backend.stages.selection}`
    : '';
  return (
    <span
      className="badge"
      data-testid="backend-badge"
      title={[backend.reason, backend.adapter && `adapter: ${backend.adapter}`, stages].filter(Boolean).join('\n')}
    >
      <strong>{backend.label}</strong>
      {extra}
      <span className="badge-reason">{backend.reason}</span>
      {stages && (
        <span className="badge-reason badge-stages" data-testid="backend-stages">
          {stages}
        </span>
      )}
    </span>
  );
}

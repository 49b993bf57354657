/** Browser downloads of exported files, and the sweep as CSV. */
import type { SweepPoint } from '../client/worker-client';

export function download(fileName: string, data: string | ArrayBuffer, mime: string): void {
  const url = URL.createObjectURL(new Blob([data], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One row per (method, keep ratio), sorted; accuracies as fractions, empty when not computed. */
export function sweepCsv(points: readonly SweepPoint[]): string {
  const rows = [...points].sort((a, b) => a.method.localeCompare(b.method) || a.keep - b.keep);
  const lines = ['method,keep_ratio,accuracy_raw,accuracy_refit,prune_ms'];
  for (const point of rows) {
    lines.push([point.method, point.keep, point.raw, point.refit ?? '', point.pruneMs.toFixed(2)].join(','));
  }
  return lines.join('\n') + '\n';
}

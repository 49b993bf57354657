/** Sparsity profile -> log-log points (pure; the SparsityChart draws them). */
import type { SparsityProfile } from '../../client/worker-client';
import { decadeDomain, trimNumber } from './format';

export interface SparsityPoint {
  readonly rank: number;
  readonly magnitude: number;
}

/** Pairs of (rank, magnitude) with both positive and finite (what log axes can draw), ascending by rank. */
export function sparsityPoints(profile: SparsityProfile | null): SparsityPoint[] {
  if (!profile) return [];
  const points: SparsityPoint[] = [];
  const length = Math.min(profile.rank.length, profile.magnitude.length);
  for (let i = 0; i < length; i++) {
    const rank = profile.rank[i];
    const magnitude = Math.abs(profile.magnitude[i]);
    if (rank > 0 && magnitude > 0 && Number.isFinite(rank) && Number.isFinite(magnitude)) points.push({ rank, magnitude });
  }
  return points.sort((a, b) => a.rank - b.rank);
}

export function sparsityDomains(points: readonly SparsityPoint[]): { x: [number, number]; y: [number, number] } {
  if (points.length === 0) return { x: [1, 10], y: [0.1, 1] };
  const ranks = points.map((p) => p.rank);
  const magnitudes = points.map((p) => p.magnitude);
  return {
    x: decadeDomain(Math.min(...ranks), Math.max(...ranks)),
    y: decadeDomain(Math.min(...magnitudes), Math.max(...magnitudes)),
  };
}

/** A sentence for screen readers: the range of the curve and the zero fraction. */
export function sparsitySummary(profile: SparsityProfile | null, points: readonly SparsityPoint[]): string {
  if (!profile) return 'No sparsity profile yet.';
  const zeros = `${trimNumber(profile.zeroFraction * 100, 1)}% of the first hidden layer's activations are exactly zero.`;
  if (points.length === 0) return `${zeros} No non-zero activations to plot.`;
  const first = points[0];
  const last = points[points.length - 1];
  return `Sorted activation magnitudes against rank on log-log axes: ${sig(first.magnitude)} at rank ${first.rank}, falling to ${sig(last.magnitude)} at rank ${last.rank.toLocaleString('en-US')}. ${zeros}`;
}

function sig(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

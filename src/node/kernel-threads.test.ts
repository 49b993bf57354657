import { afterAll, describe, expect, it } from 'vitest';
import { helpersForCores, stripShare, type KernelThreadSpawner } from '../core/kernels/kernel-threads';
import { kernelThreadStatus, reluAffineDense, SparseReluAffine, useKernelThreads } from '../core/kernels/sparse-relu-affine';
import { nodeKernelThreadSpawner } from './kernel-threads';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function layerData(rows: number, inputs: number, units: number, seed: number) {
  const next = rng(seed);
  const x = Float32Array.from({ length: rows * inputs }, () => (next() < 0.2 ? next() : 0));
  const kernel = Float32Array.from({ length: inputs * units }, () => next() * 0.2 - 0.1);
  const bias = Float32Array.from({ length: units }, () => next() * 0.2 - 0.1);
  return { x, kernel, bias };
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterAll(() => useKernelThreads(null));

describe('helpersForCores', () => {
  it('starts one helper per core beyond the first, none on one core, at most 3', () => {
    expect([1, 2, 3, 4, 5, 16].map(helpersForCores)).toEqual([0, 1, 2, 3, 3, 3]);
  });
});

describe('stripShare', () => {
  it('splits the strips into contiguous, disjoint shares that cover them all', () => {
    for (const team of [1, 2, 3, 4, 8]) {
      for (const strips of [0, 1, 2, 5, 43, 417]) {
        let next = 0;
        for (let rank = 0; rank < team; rank++) {
          const [first, end] = stripShare(rank, team, strips);
          expect(first).toBe(next);
          expect(end).toBeGreaterThanOrEqual(first);
          next = end;
        }
        expect(next).toBe(strips);
      }
    }
  });
});

describe('sparse kernel with helper threads', () => {
  it('gives the same bits as one thread, whatever the shape, blocking and panels', async () => {
    const cases = [
      { rows: 300, inputs: 784, units: 1024, options: {} },
      { rows: 57, inputs: 50, units: 70, options: { blockBytes: 4000, panelRows: 7 } }, // 3 strips, many blocks
      { rows: 9, inputs: 13, units: 24, options: {} }, // one strip: fewer strips than threads
      { rows: 0, inputs: 5, units: 100, options: {} },
    ];
    const expected = cases.map(({ rows, inputs, units, options }, c) => {
      const { x, kernel, bias } = layerData(rows, inputs, units, 10 + c);
      const layer = new SparseReluAffine(kernel, bias, inputs, units, options);
      try {
        return layer.applyDense(x, rows);
      } finally {
        layer.dispose();
      }
    });

    useKernelThreads(nodeKernelThreadSpawner, 2);
    // The first layer takes the shared memory and starts the helpers.
    const warm = layerData(4, 3, 5, 1);
    reluAffineDense(warm.x, 4, warm.kernel, warm.bias, 3, 5);
    await until(() => kernelThreadStatus().threads === 3);

    cases.forEach(({ rows, inputs, units, options }, c) => {
      const { x, kernel, bias } = layerData(rows, inputs, units, 10 + c);
      const layer = new SparseReluAffine(kernel, bias, inputs, units, options);
      try {
        const threaded = layer.applyDense(x, rows);
        expect(threaded.hidden).toEqual(expected[c].hidden);
        expect(threaded.columnSums).toEqual(expected[c].columnSums);
        // A second layer alive at the same time runs alone in its own memory, with the same result.
        const other = new SparseReluAffine(kernel, bias, inputs, units, options);
        expect(other.applyDense(x, rows).hidden).toEqual(expected[c].hidden);
        other.dispose();
        // Repeated calls reuse the team.
        expect(layer.applyDense(x, rows).columnSums).toEqual(expected[c].columnSums);
      } finally {
        layer.dispose();
      }
    });
  });

  it('runs alone, correctly, while no helper has started', () => {
    const never: KernelThreadSpawner = () => ({ terminate: () => undefined });
    useKernelThreads(never, 3);
    const { x, kernel, bias } = layerData(40, 30, 100, 5);
    const threadedLayer = new SparseReluAffine(kernel, bias, 30, 100);
    const result = threadedLayer.applyDense(x, 40);
    threadedLayer.dispose();
    expect(kernelThreadStatus().threads).toBe(1);
    useKernelThreads(null);
    expect(kernelThreadStatus()).toEqual({ threads: 1, reason: 'kernel threads not enabled' });
    expect(reluAffineDense(x, 40, kernel, bias, 30, 100)).toEqual(result);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { helpersForCores, READY_SLOT, type KernelThreadSpawner } from '../core/kernels/kernel-threads';
import { kernelStripCounts, kernelThreadStatus, reluAffineDense, SparseReluAffine, sparseRowsOf, STRIP_WIDTH, useKernelThreads } from '../core/kernels/sparse-relu-affine';
import { exactReluAffine, expectSameBits } from '../../test/helpers/relu-affine-exact';
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

describe('sparse kernel with helper threads', () => {
  it('gives the same bits as one thread, whatever the shape, blocking and panels', async () => {
    const cases = [
      { rows: 300, inputs: 784, units: 1024, options: {} },
      { rows: 57, inputs: 50, units: 70, options: { blockBytes: 4000, panelRows: 7 } }, // 3 strips, many blocks
      { rows: 9, inputs: 13, units: 24, options: {} }, // one strip: fewer strips than threads
      { rows: 0, inputs: 5, units: 100, options: {} },
      { rows: 41, inputs: 97, units: 1031, options: { panelRows: 40 } }, // 43 strips taken one at a time
      { rows: 200, inputs: 97, units: 1031, options: { panelRows: 40 } }, // pipelined, three panels, padded strips
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
        if (rows * inputs * units < 5e6) {
          const exact = exactReluAffine(x, rows, inputs, kernel, bias, units);
          expectSameBits(threaded.hidden, exact.hidden, `H, ${rows} x ${inputs} x ${units}`);
          expectSameBits(threaded.columnSums, exact.columnSums, `column sums, ${rows} x ${inputs} x ${units}`);
        }
        expect(threaded.columnSums).toEqual(expected[c].columnSums);
        // A second layer alive at the same time runs alone in its own memory, with the same result.
        const other = new SparseReluAffine(kernel, bias, inputs, units, options);
        expect(other.applyDense(x, rows).hidden).toEqual(expected[c].hidden);
        other.dispose();
        // Repeated calls reuse the team; CSR input is staged block by block the same way.
        expect(layer.applyDense(x, rows).columnSums).toEqual(expected[c].columnSums);
        expect(layer.apply(sparseRowsOf(x, rows, inputs))).toEqual(expected[c]);
        // A rows listener hears of every row once, in order, each block final when told (its
        // work overlaps the next block's strips), and changes nothing.
        const into = new Float32Array(rows * units);
        const told: [number, number][] = [];
        const countsBefore = kernelStripCounts();
        const listened = layer.applyDense(x, rows, into, (first, count) => {
          told.push([first, count]);
          expect(into.subarray(first * units, (first + count) * units)).toEqual(expected[c].hidden.subarray(first * units, (first + count) * units));
        });
        expect(told.map(([first]) => first)).toEqual(told.map((_, b) => told.slice(0, b).reduce((sum, [, count]) => sum + count, 0)));
        expect(told.reduce((sum, [, count]) => sum + count, 0)).toBe(rows);
        if (rows >= 256) expect(told.length).toBeGreaterThan(1);
        // Every strip of every block was run once, by the caller or a helper (a job of one strip runs alone, uncounted).
        const countsAfter = kernelStripCounts();
        const strips = Math.ceil(units / STRIP_WIDTH);
        const ran = countsAfter.caller - countsBefore.caller + (countsAfter.helpers - countsBefore.helpers);
        expect(ran).toBe(strips >= 2 ? strips * told.length : 0);
        expect(listened.hidden).toEqual(expected[c].hidden);
        expect(listened.columnSums).toEqual(expected[c].columnSums);
      } finally {
        layer.dispose();
      }
      // Told that W stays unchanged until applied (as the one-shot functions are), a layer copies
      // W in during its first call, panel by panel while everyone packs and runs the panel
      // before (pipelined calls: 128 rows or more): the same bits, and every strip of every panel
      // of the first block and of every later block run once.
      const late = new SparseReluAffine(kernel, bias, inputs, units, { ...options, kernelUnchangedUntilApplied: true });
      try {
        const countsBefore = kernelStripCounts();
        const blocks: number[] = [];
        expect(late.applyDense(x, rows, undefined, (first) => blocks.push(first))).toEqual(expected[c]);
        const countsAfter = kernelStripCounts();
        const strips = Math.ceil(units / STRIP_WIDTH);
        const jobs = rows >= 128 ? blocks.length - 1 + late.panels : blocks.length;
        const ran = countsAfter.caller - countsBefore.caller + (countsAfter.helpers - countsBefore.helpers);
        expect(ran).toBe(strips >= 2 ? strips * jobs : 0);
        expect(late.applyDense(x, rows)).toEqual(expected[c]);
      } finally {
        late.dispose();
      }
      if (rows > 0) expect(reluAffineDense(x, rows, kernel, bias, inputs, units)).toEqual(expected[c]);
    });
  });

  it('does not wait for a helper that says it is ready but never runs: the caller takes every strip', () => {
    // A helper descheduled for the whole job looks like this one: ready, and silent.
    const silent: KernelThreadSpawner = (_body, init) => {
      Atomics.store(new Int32Array(init.memory.buffer, 0, READY_SLOT + 8), READY_SLOT + init.index, 1);
      return { terminate: () => undefined };
    };
    useKernelThreads(silent, 1);
    expect(kernelThreadStatus().threads).toBe(2);
    const { x, kernel, bias } = layerData(50, 40, 130, 6);
    const layer = new SparseReluAffine(kernel, bias, 40, 130);
    const started = performance.now();
    const before = kernelStripCounts();
    const result = layer.applyDense(x, 50);
    // Far below the 30 s after which a helper counts as gone.
    expect(performance.now() - started).toBeLessThan(5_000);
    // All five strips (130 units) on the caller, none on the silent helper.
    const after = kernelStripCounts();
    expect([after.caller - before.caller, after.helpers - before.helpers]).toEqual([Math.ceil(130 / STRIP_WIDTH), 0]);
    layer.dispose();
    useKernelThreads(null);
    expect(reluAffineDense(x, 50, kernel, bias, 40, 130)).toEqual(result);
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

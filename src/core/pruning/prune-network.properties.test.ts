import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { arbitraryNetwork } from '../../../test/helpers/arbitrary-network';
import { initNodeBackend } from '../../node/tf-node';
import { PRUNE_METHODS } from './methods';
import { pruneNetwork } from './prune-network';
import { keptCount } from './select-top';

beforeAll(async () => {
  await initNodeBackend('wasm');
});

const method = fc.constantFrom(...PRUNE_METHODS);
const keepRatio = fc.double({ min: 0.01, max: 1, noNaN: true });

describe('pruneNetwork invariants', () => {
  it('keeps s distinct, ascending, in-range neurons per hidden layer and shrinks the network accordingly', () => {
    fc.assert(
      fc.property(arbitraryNetwork(), method, keepRatio, fc.nat(1000), (net, chosen, keep, seed) => {
        const before = tf.memory().numTensors;
        const outcome = pruneNetwork(net.model, net.inputs, { method: chosen, keep, iterations: 5, seed, refit: false });
        expect(tf.memory().numTensors).toBe(before);
        outcome.layers.forEach((report, l) => {
          const units = net.model.layers[l].units;
          expect(report.kept).toHaveLength(keptCount(keep, units));
          report.kept.forEach((j, k) => {
            expect(Number.isInteger(j) && j >= 0 && j < units).toBe(true);
            if (k > 0) expect(j).toBeGreaterThan(report.kept[k - 1]);
          });
          expect(outcome.model.layers[l].units).toBe(report.kept.length);
          expect(outcome.model.layers[l + 1].inputSize).toBe(report.kept.length);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same result for the same seed', () => {
    fc.assert(
      fc.property(arbitraryNetwork(), method, keepRatio, fc.nat(1000), (net, chosen, keep, seed) => {
        const run = () => pruneNetwork(net.model, net.inputs, { method: chosen, keep, iterations: 5, seed, refit: false });
        expect(run().layers.map((l) => l.kept)).toEqual(run().layers.map((l) => l.kept));
      }),
      { numRuns: 30 },
    );
  });

  it('keeps every neuron with zero residual at keep ratio 1', () => {
    fc.assert(
      fc.property(arbitraryNetwork(), method, (net, chosen) => {
        const outcome = pruneNetwork(net.model, net.inputs, { method: chosen, keep: 1, iterations: 3, seed: 1, refit: false });
        outcome.layers.forEach((report, l) => {
          expect(report.kept).toEqual(Array.from({ length: net.model.layers[l].units }, (_, j) => j));
          expect(report.relativeResidual).toBe(0);
          report.residuals?.forEach((r) => expect(r).toBe(0));
        });
      }),
      { numRuns: 30 },
    );
  });

  it('refit keeps the kept sets, the shapes, and no tensors', () => {
    fc.assert(
      fc.property(arbitraryNetwork({ minSamples: 12, maxWidth: 10 }), method, keepRatio, (net, chosen, keep) => {
        const before = tf.memory().numTensors;
        const outcome = pruneNetwork(net.model, net.inputs, { method: chosen, keep, iterations: 5, seed: 3, refit: true });
        expect(tf.memory().numTensors).toBe(before);
        expect(outcome.refit).toHaveLength(net.model.layers.length - 1);
        expect(outcome.selectedModel.layers.map((l) => [l.inputSize, l.units])).toEqual(
          outcome.model.layers.map((l) => [l.inputSize, l.units]),
        );
        // The first layer is never refit: only layers after pruned ones change.
        expect(outcome.model.layers[0].kernel).toEqual(outcome.selectedModel.layers[0].kernel);
      }),
      { numRuns: 40 },
    );
  });

  it('random selection differs between seeds on a wide layer', () => {
    const net = fc.sample(arbitraryNetwork({ maxHidden: 1 }), { numRuns: 1, seed: 7 })[0];
    const wide = {
      ...net.model,
      layers: [
        { ...net.model.layers[0], units: 200, kernel: new Float32Array(net.model.layers[0].inputSize * 200).fill(0.5), bias: new Float32Array(200) },
        { ...net.model.layers[1], inputSize: 200, kernel: new Float32Array(200 * net.model.layers[1].units).fill(0.25) },
      ],
    };
    const kept = (seed: number) =>
      pruneNetwork(wide, net.inputs, { method: 'random', keep: 0.1, iterations: 1, seed, refit: false }).layers[0].kept;
    expect(kept(1)).not.toEqual(kept(2));
    expect(kept(1)).toEqual(kept(1));
  });
});

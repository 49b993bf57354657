import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../node/tf-node';
import { loadPruningFixtures, type PruningFixture } from '../../../test/helpers/fixtures';
import { withoutTensorLeaks } from '../../../test/helpers/tf-memory';
import { pruneNetwork } from './prune-network';
import type { PruneMethod } from './methods';

const fixtures = loadPruningFixtures();
const methodsWithVectors = ['ispasp', 'topk', 'magnitude', 'gfs'] as const satisfies readonly PruneMethod[];

/** Prunes a fixture network the way its expected results were made. */
function pruneFixture(fixture: PruningFixture, method: PruneMethod) {
  return pruneNetwork(fixture.model, fixture.inputs, { method, keep: fixture.keep, iterations: fixture.iterations, seed: 0, refit: false });
}

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe.each(fixtures)('fixture $name', (fixture) => {
  it.each(methodsWithVectors)('%s keeps exactly the expected neurons in every hidden layer', async (method) => {
    const outcome = await withoutTensorLeaks(() => pruneFixture(fixture, method));
    expect(outcome.layers.map((layer) => layer.kept)).toEqual(fixture.expected[method]);
  });

  it('i-SpaSP residuals match per iteration within 1e-4', () => {
    const outcome = pruneFixture(fixture, 'ispasp');
    outcome.layers.forEach((layer, l) => {
      const expected = fixture.expected.ispaspResiduals[l];
      expect(layer.residuals).toHaveLength(expected.length);
      layer.residuals!.forEach((value, t) => expect(Math.abs(value - expected[t])).toBeLessThan(1e-4));
    });
  });

  it('the pruned network is smaller and consistent with the kept sets', () => {
    const outcome = pruneFixture(fixture, 'ispasp');
    const { layers } = outcome.model;
    outcome.layers.forEach((report, l) => {
      expect(layers[l].units).toBe(report.kept.length);
      expect(layers[l + 1].inputSize).toBe(report.kept.length);
      // Entry (r, k) of the pruned kernel is entry (keptInputs[r], kept[k]) of the dense one.
      const dense = fixture.model.layers[l];
      const keptInputs = l === 0 ? Array.from({ length: dense.inputSize }, (_, i) => i) : outcome.layers[l - 1].kept;
      for (let r = 0; r < keptInputs.length; r++) {
        for (let k = 0; k < report.kept.length; k++) {
          expect(layers[l].kernel[r * report.kept.length + k]).toBe(dense.kernel[keptInputs[r] * dense.units + report.kept[k]]);
        }
      }
      report.kept.forEach((j, k) => expect(layers[l].bias[k]).toBe(dense.bias[j]));
    });
  });
});

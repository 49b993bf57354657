/** Loads the pruning test vectors in test/fixtures/pruning (copied from the project's shared specs). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mlp } from '../../src/core/model/mlp';

export interface PruningFixture {
  readonly name: string;
  readonly keep: number;
  readonly iterations: number;
  readonly model: Mlp;
  readonly inputs: Float32Array;
  readonly samples: number;
  readonly expected: {
    readonly ispasp: number[][];
    readonly ispaspResiduals: number[][];
    readonly topk: number[][];
    readonly magnitude: number[][];
    readonly gfs: number[][];
  };
}

interface RawFixture {
  name: string;
  keep: number;
  iterations: number;
  layers: { kernel: number[][]; bias: number[] }[];
  inputs: number[][];
  expected: PruningFixture['expected'];
}

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'pruning');

export function loadPruningFixtures(): PruningFixture[] {
  return readdirSync(fixtureDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(path.join(fixtureDir, file), 'utf8')) as RawFixture;
      const model: Mlp = {
        layers: raw.layers.map((layer, index) => ({
          inputSize: layer.kernel.length,
          units: layer.bias.length,
          kernel: Float32Array.from(layer.kernel.flat()),
          bias: Float32Array.from(layer.bias),
          activation: index < raw.layers.length - 1 ? ('relu' as const) : ('linear' as const),
        })),
      };
      return {
        name: raw.name,
        keep: raw.keep,
        iterations: raw.iterations,
        model,
        inputs: Float32Array.from(raw.inputs.flat()),
        samples: raw.inputs.length,
        expected: raw.expected,
      };
    });
}

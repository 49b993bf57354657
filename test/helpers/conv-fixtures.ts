/** Loads the channel-pruning test vectors in test/fixtures/conv-pruning (copied from the project's shared specs). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cnn, CnnLayer } from '../../src/core/cnn/cnn';

export interface ConvPruningFixture {
  readonly name: string;
  readonly keep: number;
  readonly keptCount: number;
  readonly iterations: number;
  readonly model: Cnn;
  readonly inputs: Float32Array;
  readonly samples: number;
  readonly expected: {
    readonly ispasp: { readonly kept: number[]; readonly residuals: number[] };
    readonly topk: { readonly kept: number[] };
    readonly magnitude: { readonly kept: number[] };
    readonly gfs: { readonly kept: number[] };
    readonly activationSums: number[];
  };
}

interface RawLayer {
  class: 'Conv2D' | 'Dense';
  after?: string;
  kernel: number[][][][] | number[][];
  bias: number[];
  strides?: number;
  padding?: 'same' | 'valid';
  activation: 'relu' | 'linear';
}

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'conv-pruning');

export function loadConvPruningFixtures(): ConvPruningFixture[] {
  return readdirSync(fixtureDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(path.join(fixtureDir, file), 'utf8'));
      const inputs = raw.inputs as number[][][][];
      const inputShape = [inputs[0].length, inputs[0][0].length, inputs[0][0][0].length] as const;
      const layers: CnnLayer[] = [];
      for (const layer of raw.layers as RawLayer[]) {
        if (layer.class === 'Conv2D') {
          const kernel = layer.kernel as number[][][][];
          layers.push({
            kind: 'conv',
            kernelSize: [kernel.length, kernel[0].length],
            strides: [layer.strides!, layer.strides!],
            padding: layer.padding!,
            inChannels: kernel[0][0].length,
            filters: layer.bias.length,
            kernel: Float32Array.from(kernel.flat(3)),
            bias: Float32Array.from(layer.bias),
            activation: layer.activation,
          });
        } else {
          if (layer.after) layers.push({ kind: 'flatten' });
          const kernel = layer.kernel as number[][];
          layers.push({ kind: 'dense', inputSize: kernel.length, units: layer.bias.length, kernel: Float32Array.from(kernel.flat()), bias: Float32Array.from(layer.bias), activation: layer.activation });
        }
      }
      return {
        name: raw.name,
        keep: raw.keep,
        keptCount: raw.keptCount,
        iterations: raw.iterations,
        model: { inputShape, layers },
        inputs: Float32Array.from(inputs.flat(3)),
        samples: inputs.length,
        expected: raw.expected,
      };
    });
}

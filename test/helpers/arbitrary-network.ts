/** fast-check generators of small random networks and calibration data, with dyadic values. */
import fc from 'fast-check';
import type { Mlp } from '../../src/core/model/mlp';

export interface NetworkCase {
  readonly model: Mlp;
  readonly inputs: Float32Array;
  readonly samples: number;
}

const dyadic = (min: number, max: number) => fc.integer({ min, max }).map((v) => v / 16);

export function arbitraryNetwork(options: { maxHidden?: number; maxWidth?: number; minSamples?: number } = {}) {
  const { maxHidden = 3, maxWidth = 24, minSamples = 2 } = options;
  return fc
    .record({
      inputSize: fc.integer({ min: 1, max: 8 }),
      hidden: fc.array(fc.integer({ min: 1, max: maxWidth }), { minLength: 1, maxLength: maxHidden }),
      outputs: fc.integer({ min: 1, max: 5 }),
      samples: fc.integer({ min: minSamples, max: 20 }),
    })
    .chain(({ inputSize, hidden, outputs, samples }) => {
      const sizes = [inputSize, ...hidden, outputs];
      const layers = sizes.slice(1).map((units, l) =>
        fc.record({
          kernel: fc.array(dyadic(-32, 32), { minLength: sizes[l] * units, maxLength: sizes[l] * units }),
          bias: fc.array(dyadic(-16, 16), { minLength: units, maxLength: units }),
        }),
      );
      return fc.record({
        layers: fc.tuple(...layers),
        inputs: fc.array(dyadic(0, 32), { minLength: samples * inputSize, maxLength: samples * inputSize }),
      }).map(({ layers: raw, inputs }): NetworkCase => ({
        samples,
        inputs: Float32Array.from(inputs),
        model: {
          layers: raw.map((layer, l) => ({
            inputSize: sizes[l],
            units: sizes[l + 1],
            kernel: Float32Array.from(layer.kernel),
            bias: Float32Array.from(layer.bias),
            activation: l < raw.length - 1 ? ('relu' as const) : ('linear' as const),
          })),
        },
      }));
    });
}

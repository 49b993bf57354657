/**
 * Every hidden layer's channels (and the Dense layer's neurons) as numbered cells, kept ones
 * bright, pruned ones dimmed; in step mode the first layer shows the step's sets (candidates
 * framed). Hover or focus a cell for its activation sum and importance.
 */
import { memo } from 'react';
import { neuronSets, neuronStatus } from '../neurons/neuron-info';
import { unitCount, unitNoun } from '../unit-words';
import type { ChannelsViewInput } from './channels-input';
import './cnn.css';

// One formatter for every cell: toLocaleString builds one per call, which a drag pays for 112 cells a prune.
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const score = (value: number | undefined) => (value === undefined ? '–' : Math.abs(value) >= 100 ? GROUPED.format(Math.round(value)) : String(Number(value.toPrecision(3))));

function KeptChannelsView({ input }: { input: ChannelsViewInput }) {
  return (
    <div className="kept-channels" data-testid="kept-channels">
      {input.layers.map((layer) => {
        const sets = neuronSets(layer.kept, layer.layer === 0 ? input.step : null);
        return (
          <div key={layer.layer} className="kept-channels__layer" data-testid={`kept-channels-layer-${layer.layer + 1}`} data-kept={layer.kept.join(',')}>
            <p className="kept-channels__title">
              Layer {layer.layer + 1} ({layer.kind === 'conv' ? 'conv' : 'Dense'}): keeps {layer.kept.length} of {unitCount(layer.kind, layer.channels)}
            </p>
            <ol className="kept-channels__cells" aria-label={`Layer ${layer.layer + 1} ${unitNoun(layer.kind)}`}>
              {layer.keptMask.map((_, c) => {
                const status = neuronStatus(c, sets);
                const words = `${unitNoun(layer.kind, 1)} ${c}: ${status}, activation sum ${score(layer.activationSums?.[c])}, importance ${score(layer.importance?.[c])}`;
                return (
                  <li key={c} className={`kept-channels__cell kept-channels__cell--${status}`} title={words} aria-label={words} tabIndex={0}>
                    {c}
                  </li>
                );
              })}
            </ol>
          </div>
        );
      })}
    </div>
  );
}

export const KeptChannels = memo(KeptChannelsView);

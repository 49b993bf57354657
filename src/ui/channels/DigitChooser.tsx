/** The digit the Channels view shows: one of a few test images, or the digit drawn on the pad (radio buttons with thumbnails). */
import { useId } from 'react';
import { PixelCanvas } from './PixelCanvas';

export interface TestDigit {
  /** Index in the MNIST test set. */
  readonly index: number;
  readonly label: number;
  /** 784 values in [0, 1]. */
  readonly pixels: Float32Array;
}

export type DigitChoice = { readonly kind: 'test'; readonly index: number } | { readonly kind: 'drawn' };

export interface DigitChooserProps {
  readonly digits: readonly TestDigit[];
  /** The digit drawn on the pad (784 values in [0, 1]); null until something is drawn. */
  readonly drawn: Float32Array | null;
  readonly selected: DigitChoice | null;
  readonly onSelect: (choice: DigitChoice) => void;
}

const SIDE = 28;

export function DigitChooser({ digits, drawn, selected, onSelect }: DigitChooserProps) {
  const name = useId();
  const isSelected = (choice: DigitChoice) =>
    selected !== null && selected.kind === choice.kind && (choice.kind === 'drawn' || (selected.kind === 'test' && selected.index === choice.index));

  return (
    <fieldset className="channels__digits" data-testid="channels-digits">
      <legend className="channels__digits-legend">Digit</legend>
      {digits.map((digit) => {
        const choice: DigitChoice = { kind: 'test', index: digit.index };
        return (
          <label key={digit.index} className="channels__digit" title={`Test image ${digit.index}, a ${digit.label}`}>
            <input
              type="radio"
              name={name}
              checked={isSelected(choice)}
              onChange={() => onSelect(choice)}
              aria-label={`Test image ${digit.index}, a ${digit.label}`}
              data-testid={`channels-digit-${digit.index}`}
            />
            <PixelCanvas className="channels__digit-canvas" values={digit.pixels} width={SIDE} height={SIDE} paint="digit" />
            <span className="channels__digit-label" aria-hidden="true">{digit.label}</span>
          </label>
        );
      })}
      <label className={drawn ? 'channels__digit' : 'channels__digit channels__digit--disabled'} title={drawn ? 'The digit drawn on the pad' : 'Draw a digit on the pad first'}>
        <input
          type="radio"
          name={name}
          checked={isSelected({ kind: 'drawn' })}
          disabled={!drawn}
          onChange={() => onSelect({ kind: 'drawn' })}
          aria-label={drawn ? 'The digit drawn on the pad' : 'The digit drawn on the pad (draw one first)'}
          data-testid="channels-digit-drawn"
        />
        {drawn ? (
          <PixelCanvas className="channels__digit-canvas" values={drawn} width={SIDE} height={SIDE} paint="digit" />
        ) : (
          <span className="channels__digit-canvas channels__digit-empty" aria-hidden="true" />
        )}
        <span className="channels__digit-label" aria-hidden="true">Drawn</span>
      </label>
    </fieldset>
  );
}

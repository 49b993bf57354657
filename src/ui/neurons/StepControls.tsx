/**
 * Step through i-SpaSP's iterations: Step (null -> 0 -> 1 ... -> total-1, then stays), Play
 * (one step about every 600 ms, stoppable), Reset (back to null: the final result).
 */
import { useEffect, useRef, useState } from 'react';
import { nextStep, stepCaption } from './step-logic';
import './neurons.css';

export interface StepControlsProps {
  /** Number of iterations. */
  readonly total: number;
  /** Iteration shown (0-based), or null for the final result. */
  readonly index: number | null;
  readonly onChange: (index: number | null) => void;
  /** Replaces the generic caption (the step mode's narration headline). */
  readonly caption?: string;
  /** The group's accessible name. */
  readonly label?: string;
}

export const PLAY_INTERVAL_MS = 600;

export function StepControls({ total, index, onChange, caption, label = 'Step through i-SpaSP iterations' }: StepControlsProps) {
  const [playing, setPlaying] = useState(false);
  const latest = useRef({ index, total, onChange });
  useEffect(() => {
    latest.current = { index, total, onChange };
  });

  const atEnd = total > 0 && index !== null && index >= total - 1;
  const isPlaying = playing && total > 0;

  useEffect(() => {
    if (!isPlaying) return;
    const timer = window.setInterval(() => {
      const { index: current, total: count, onChange: change } = latest.current;
      const next = nextStep(current, count);
      change(next);
      if (next === null || next >= count - 1) setPlaying(false);
    }, PLAY_INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, [isPlaying]);

  const onPlay = () => {
    if (isPlaying) {
      setPlaying(false);
      return;
    }
    if (total <= 0) return;
    // From the end (or the final result), a replay starts at the first iteration.
    if (index === null || atEnd) onChange(0);
    if (total > 1) setPlaying(true);
  };

  return (
    <div className="step-controls" data-testid="step-controls" role="group" aria-label={label}>
      <div className="step-controls__buttons">
        <button
          type="button"
          className="button button--primary"
          data-testid="step-button"
          disabled={total <= 0}
          onClick={() => {
            setPlaying(false);
            onChange(nextStep(index, total));
          }}
        >
          Step
        </button>
        <button type="button" className="button" data-testid="play-button" disabled={total <= 1} aria-pressed={isPlaying} onClick={onPlay}>
          {isPlaying ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          className="button"
          data-testid="reset-button"
          disabled={index === null && !isPlaying}
          onClick={() => {
            setPlaying(false);
            onChange(null);
          }}
        >
          Reset
        </button>
      </div>
      <p className="step-controls__caption" aria-live="polite" data-testid="step-caption">
        {caption ?? stepCaption(index, total)}
      </p>
    </div>
  );
}

/**
 * Step mode with words: the Step / Play / Reset controls, the step's headline as their caption,
 * and below them the step's numbers and a jump (to where i-SpaSP settled, or to GFS's last
 * addition).
 */
import { StepControls } from '../neurons/StepControls';
import type { StepTrace } from './step-trace';

const LABELS = {
  iterations: 'Step through i-SpaSP iterations',
  additions: 'Step through GFS additions, one neuron at a time',
  single: 'Show the single selection',
} as const;

export function StepPanel({ trace, index, onChange }: { trace: StepTrace; index: number | null; onChange: (index: number | null) => void }) {
  const narration = trace.narrate(index);
  return (
    <div data-testid="step-panel" data-kind={trace.kind}>
      <StepControls total={trace.total} index={index} onChange={onChange} caption={narration.headline} label={LABELS[trace.kind]} />
      <div className="step-narration" data-testid="step-narration">
        {narration.lines.map((line) => (
          <p key={line}>{line}</p>
        ))}
        {narration.jump ? (
          <button type="button" data-testid="step-jump" onClick={() => onChange(narration.jump!.index)}>
            {narration.jump.label}
          </button>
        ) : null}
      </div>
    </div>
  );
}

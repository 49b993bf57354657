import { useId, useState, type ReactNode } from 'react';

interface Props {
  label: string;
  /** The current (committed) value. */
  value: number;
  /** Typed text to a value, or a message saying what is wrong. */
  parse(text: string): { ok: true; value: number } | { ok: false; message: string };
  onCommit(value: number): void;
  min?: number;
  max?: number;
  step?: number | 'any';
  hint?: ReactNode;
  testId?: string;
  disabled?: boolean;
  /** Hears the field's problem when it changes (null once fixed), e.g. to disable a submit button. */
  onProblem?(message: string | null): void;
}

/**
 * A number input that lets people type freely (empty, "5" on the way to "500") and checks the
 * text only when they commit it (Enter or leaving the field). A bad value shows a message under
 * the field and keeps the typed text; the setting keeps its last good value until fixed.
 */
export function NumberField({ label, value, parse, onCommit, min, max, step, hint, testId, disabled, onProblem }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [shownValue, setShownValue] = useState(value);
  const messageId = useId();
  // A new value from elsewhere (a link, a reset) replaces an untouched draft.
  if (shownValue !== value) {
    setShownValue(value);
    if (problem === null) setDraft(null);
  }
  const text = draft ?? String(value);
  const commit = () => {
    if (draft === null) return;
    const parsed = parse(draft);
    if (!parsed.ok) {
      setProblem(parsed.message);
      onProblem?.(parsed.message);
      return;
    }
    setProblem(null);
    onProblem?.(null);
    setDraft(null);
    if (parsed.value !== value) onCommit(parsed.value);
  };
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step}
        value={text}
        disabled={disabled}
        data-testid={testId}
        aria-invalid={problem !== null}
        aria-describedby={problem !== null ? messageId : undefined}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          } else if (event.key === 'Escape') {
            setDraft(null);
            setProblem(null);
            onProblem?.(null);
          }
        }}
      />
      {problem !== null ? (
        <span className="field-error" id={messageId} role="alert" data-testid={testId ? `${testId}-error` : undefined}>
          {problem}
        </span>
      ) : (
        hint && <span className="field-hint">{hint}</span>
      )}
    </label>
  );
}

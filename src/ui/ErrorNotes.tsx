import type { AppError, ErrorSource } from './store';

const SOURCE_NAMES: Record<ErrorSource, string> = {
  start: 'Start-up',
  link: 'Link',
  model: 'Model',
  prune: 'Prune',
  sweep: 'Accuracy sweep',
  train: 'Training',
  export: 'Export',
  saved: 'Saved networks',
  pad: 'Try it',
};

interface NoteProps {
  errors: readonly AppError[];
  /** The sources whose errors belong next to this control. */
  sources: readonly ErrorSource[];
  onDismiss(source: ErrorSource): void;
}

/** The error next to the control that caused it; the toast shows the same until dismissed. */
export function ErrorNote({ errors, sources, onDismiss }: NoteProps) {
  const shown = errors.filter((error) => sources.includes(error.source));
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((error) => (
        <div key={error.id} className="error-note" data-testid={`error-note-${error.source}`}>
          <span>{error.message}</span>
          <button onClick={() => onDismiss(error.source)} aria-label={`Close this ${SOURCE_NAMES[error.source]} message`}>
            ×
          </button>
        </div>
      ))}
    </>
  );
}

/**
 * Every current error in a corner that stays on screen while the page scrolls. An error stays
 * until dismissed, or replaced by a newer error (or a success) of the same source.
 */
export function ErrorToasts({ errors, onDismiss }: Omit<NoteProps, 'sources'>) {
  return (
    <div className="toasts" role="alert" aria-live="assertive">
      {errors.map((error) => (
        <div key={error.id} className="toast" data-testid="error-toast">
          <strong>{SOURCE_NAMES[error.source]}:</strong> <span data-testid="error-message">{error.message}</span>
          <button onClick={() => onDismiss(error.source)} aria-label={`Dismiss error: ${SOURCE_NAMES[error.source]}`} data-testid="error-dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

import { Component, type ErrorInfo, type ReactNode } from 'react';
import { resetSavedModels } from '../client/saved-data';
import { errorMessage } from '../client/worker-client';

interface State {
  error: string | null;
}

/**
 * Keeps a rendering failure from blanking the page: it says what broke, and offers a reload and,
 * since saved models are the data the app reads back from earlier visits, deleting them.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: errorMessage(error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('the playground stopped rendering:', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="app crashed" role="alert" data-testid="crash-panel">
        <h1>SpaSP Playground</h1>
        <p>The page stopped working: {this.state.error}</p>
        <p>Reloading may be enough. If it happens again, saved (trained or imported) models may hold something the page cannot show: deleting them keeps the shipped models.</p>
        <div className="crash-actions">
          <button onClick={() => window.location.reload()}>Reload</button>
          <button data-testid="reset-saved" onClick={() => void resetSavedModels().finally(() => window.location.reload())}>
            Delete saved models and reload
          </button>
        </div>
      </div>
    );
  }
}

import { Component, type ErrorInfo, type ReactNode } from 'react';
import { resetSavedData } from '../client/saved-data';

interface State {
  error: Error | null;
  resetProblem: string | null;
}

/**
 * Catches a render error anywhere in the app and offers a way out: reload, or reset the saved
 * data (networks trained or imported here) in case a saved network is what breaks the start.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null, resetProblem: null };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('The playground stopped drawing:', error, info.componentStack);
  }

  private reset = async () => {
    try {
      await resetSavedData();
      window.location.href = window.location.pathname;
    } catch (error) {
      this.setState({ resetProblem: (error as Error).message });
    }
  };

  override render() {
    const { error, resetProblem } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="app crashed" role="alert" data-testid="error-boundary">
        <h1>Something went wrong</h1>
        <p>The playground stopped drawing: {error.message.split('\n')[0]}</p>
        <div className="actions wrap">
          <button onClick={() => window.location.reload()}>Reload</button>
          <button onClick={this.reset} data-testid="reset-saved-data">
            Reset saved data and start fresh
          </button>
        </div>
        <p className="hint">Resetting deletes the networks you trained or imported here and opens the playground without the link's settings.</p>
        {resetProblem && <p className="field-error">{resetProblem}</p>}
      </div>
    );
  }
}

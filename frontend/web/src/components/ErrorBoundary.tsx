import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
}
interface State {
  error: Error | null;
}

/** ErrorBoundary keeps a bug in one page from blanking the whole app: the
 * page shows what went wrong and how to recover; navigation still works. */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Stagecraft page error', error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="state error" role="alert">
        <h3>This page ran into a problem</h3>
        <p>Nothing was lost. Reload the page; if it happens again, tell your admin what you were doing.</p>
        <p className="faint small">{this.state.error.message}</p>
        <button className="btn" onClick={() => window.location.reload()}>Reload</button>
      </div>
    );
  }
}

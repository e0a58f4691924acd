import { Component, type ErrorInfo, type ReactNode } from 'react';
import { AuthProvider } from '../lib/auth';
import { Layout } from './Layout';
import { AppRouter } from './router';

/** A bug in one page shows a message, never a blank screen. */
class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }
  override render() {
    if (this.state.error)
      return (
        <div className="alert alert-error" role="alert">
          <strong>Something went wrong on this page.</strong> {this.state.error.message} <a href="/">Reload the app</a>
        </div>
      );
    return this.props.children;
  }
}

export function App() {
  return (
    <AuthProvider>
      <Layout>
        <ErrorBoundary>
          <AppRouter />
        </ErrorBoundary>
      </Layout>
    </AuthProvider>
  );
}

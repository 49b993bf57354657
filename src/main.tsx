import { lazy, StrictMode, startTransition, Suspense } from 'react';
import { registerServiceWorker } from './client/register-service-worker';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { warmUpNumberFormat } from './ui/warm-up-number-format';
import { warmUpFonts } from './ui/warm-up-fonts';
import './ui/theme.css';
import './ui/app.css';

registerServiceWorker();
warmUpNumberFormat();
warmUpFonts();

// The bundle's top-level code runs in several main-thread tasks instead of one (which took 70-160
// ms on the 2-core build machine; React DOM alone, or the app's modules alone, still took 50-70 ms
// under load): React here, then React DOM, then the charts' d3 modules, their state modules
// (Redux Toolkit), Recharts itself (its chunk alone took up to 40 ms under load), the app's
// views, then the rest of the app. Each dynamic import is evaluated in a task of its own.
// Nested, not chained: a namespace returned down a promise chain counts as used, and Rolldown
// then keeps every export of the package (Recharts grew by 170 kB).
const App = lazy(() =>
  import('victory-vendor/d3-scale').then(() =>
    import('@reduxjs/toolkit').then(() =>
      import('recharts').then(() =>
        import('./ui/views').then(() => import('./ui/App').then(({ App: Playground }) => ({ default: Playground }))),
      ),
    ),
  ),
);

/** index.html's splash, kept on screen while the app's chunks load (React's first commit replaces the splash). */
function LoadingNote() {
  return <p>Loading SpaSP Playground…</p>;
}

// React DOM's module is evaluated as its import resolves; createRoot (which adds React's event
// listeners) and the first render wait for the next task, so that no one task holds both (together
// 30-60 ms under load on the 2-core build machine).
const nextTask = <T,>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value)));

void import('react-dom/client').then(nextTask).then(({ createRoot }) => {
  const root = createRoot(document.getElementById('root')!);
  // As a transition, the first render yields to the browser every few milliseconds instead of
  // building the whole page in one main-thread task (about 60 ms on the 2-core build machine).
  startTransition(() =>
    root.render(
      <StrictMode>
        <ErrorBoundary>
          <Suspense fallback={<LoadingNote />}>
            <App />
          </Suspense>
        </ErrorBoundary>
      </StrictMode>,
    ),
  );
});

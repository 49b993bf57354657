import { lazy, StrictMode, startTransition, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { registerServiceWorker } from './client/register-service-worker';
import { ErrorBoundary } from './ui/ErrorBoundary';
import './ui/theme.css';
import './ui/app.css';

registerServiceWorker();

// The bundle's top-level code runs in three main-thread tasks instead of one (which took 70-160 ms
// on the 2-core build machine): React here, then Recharts with d3, then the app's own modules.
const App = lazy(() =>
  import('recharts')
    .then(() => import('./ui/App'))
    .then(({ App: Playground }) => ({ default: Playground })),
);

const root = createRoot(document.getElementById('root')!);
// As a transition, the first render yields to the browser every few milliseconds instead of
// building the whole page in one main-thread task (about 60 ms on the 2-core build machine).
startTransition(() =>
  root.render(
    <StrictMode>
      <ErrorBoundary>
        <Suspense fallback={null}>
          <App />
        </Suspense>
      </ErrorBoundary>
    </StrictMode>,
  ),
);

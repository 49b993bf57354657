import { useDeferredValue, useEffect, useMemo } from 'react';
import { METHOD_LABELS, PRUNE_METHODS } from '../client/worker-client';
import { BackendBadge } from './BackendBadge';
import { VisibleOnly } from './VisibleOnly';
import { AccuracyChart } from './charts/AccuracyChart';
import { KeptChart } from './charts/KeptChart';
import { ResidualChart } from './charts/ResidualChart';
import { SparsityChart } from './charts/SparsityChart';
import { TimingChart } from './charts/TimingChart';
import { keptCount } from './charts/kept-series';
import { enteredAt, speedupPoint, timingsNear } from './derive';
import { NeuronGrid } from './neurons/NeuronGrid';
import { StepControls } from './neurons/StepControls';
import { DigitPad } from './pad/DigitPad';
import { AboutPanel } from './panels/AboutPanel';
import { ExportPanel } from './panels/ExportPanel';
import { ModelPanel } from './panels/ModelPanel';
import { PrunePanel } from './panels/PrunePanel';
import { Readouts } from './panels/Readouts';
import { TrainPanel } from './panels/TrainPanel';
import { keepRatios } from './store';
import { gfsMaxPercent, WIDE_LAYER_UNITS } from './sweep-plan';
import { usePlayground } from './use-playground';

const SHORTCUTS = '[ and ] change the keep ratio (Shift: by 10), M cycles the method, S steps through i-SpaSP, P toggles presentation mode';

export function App() {
  const { state, actions } = usePlayground();
  const { settings, model, prune, sweep } = state;
  const view = prune.view;
  // Charts follow deferred copies: the slider and readouts update first, charts when React has time.
  const chartView = useDeferredValue(view);
  const chartKeep = useDeferredValue(settings.keep);
  const chartPoints = useDeferredValue(sweep.points);
  const hiddenWidths = useMemo(() => (model ? model.sizes.slice(1, -1) : []), [model]);
  const firstLayer = chartView?.layers[0];
  const iterations = firstLayer?.iterations;
  const stepView = state.step !== null && iterations ? iterations[Math.min(state.step, iterations.length - 1)] : null;
  const entered = useMemo(() => (firstLayer ? enteredAt(firstLayer.units, firstLayer.iterations) : undefined), [firstLayer]);
  const timings = useMemo(() => timingsNear(chartPoints, chartKeep / 100), [chartPoints, chartKeep]);
  const firstWidth = hiddenWidths[0] ?? 0;
  const speedupAt = useMemo(() => {
    const at = speedupPoint(chartPoints, chartKeep / 100);
    return at && { keptNeurons: keptCount(at.keep, firstWidth), ispaspMs: at.ispaspMs, gfsMs: at.gfsMs };
  }, [chartPoints, chartKeep, firstWidth]);
  const gfsMax = gfsMaxPercent(hiddenWidths);
  const wide = hiddenWidths.some((units) => units > WIDE_LAYER_UNITS);
  const liveResiduals = useDeferredValue(prune.busy ? prune.liveResiduals : null);
  const residualLayers = useMemo(
    () => (liveResiduals && liveResiduals.length > 0 ? liveResiduals.map((residuals) => ({ residuals })) : chartView?.layers ?? []),
    [liveResiduals, chartView],
  );
  const chartKeepRatios = useMemo(() => keepRatios({ ...settings, keep: chartKeep }, hiddenWidths.length), [settings, chartKeep, hiddenWidths]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, select, textarea, [contenteditable]') || event.ctrlKey || event.metaKey || event.altKey) return;
      const step = event.shiftKey ? 10 : 1;
      if (event.key === '[' || event.key === '{') actions.setSettings({ keep: Math.max(1, settings.keep - step), perLayer: null });
      else if (event.key === ']' || event.key === '}') actions.setSettings({ keep: Math.min(100, settings.keep + step), perLayer: null });
      else if (event.key === 'm' || event.key === 'M') {
        const next = PRUNE_METHODS[(PRUNE_METHODS.indexOf(settings.method) + 1) % PRUNE_METHODS.length];
        actions.setSettings({ method: next });
      } else if (event.key === 's' || event.key === 'S') {
        if (iterations) actions.setStep(state.step === null ? 0 : Math.min(state.step + 1, iterations.length - 1));
      } else if (event.key === 'p' || event.key === 'P') actions.setPresentation(!state.presentation);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions, settings.keep, settings.method, iterations, state.step, state.presentation]);

  return (
    <div className={`app${state.presentation ? ' presentation' : ''}`}>
      <header className="app-header">
        <div>
          <h1>SpaSP Playground</h1>
          <p className="tagline">Structured pruning with i-SpaSP, live in your browser</p>
        </div>
        <div className="header-tools">
          <BackendBadge backend={state.backend} />
          <button onClick={() => actions.setPresentation(!state.presentation)} aria-pressed={state.presentation} data-testid="presentation-toggle">
            {state.presentation ? 'Exit presentation' : 'Presentation mode'}
          </button>
        </div>
      </header>
      <p className="visually-hidden" aria-live="polite" data-testid="live-region">
        {state.announcement}
      </p>
      {state.error && (
        <div className="error-banner" role="alert">
          <span data-testid="error-message">{state.error}</span>
          <button onClick={actions.dismissError} aria-label="Dismiss error">
            ×
          </button>
        </div>
      )}
      {state.phase === 'starting' && <p className="loading">Starting the pruning engine and loading MNIST…</p>}
      <main className="layout">
        <aside className="controls">
          <ModelPanel models={state.models} model={model} loading={state.modelLoading} onSelect={actions.selectModel} onImport={actions.importFiles} />
          <PrunePanel settings={settings} hiddenWidths={hiddenWidths} onChange={actions.setSettings} />
          {!state.presentation && <TrainPanel train={state.train} onTrain={actions.train} onStop={actions.stopTraining} />}
          <ExportPanel
            canExport={Boolean(view)}
            canExportSweep={sweep.points.length > 0}
            onExportModel={actions.exportModel}
            onExportNetwork={actions.exportNetwork}
            onExportReport={actions.exportReport}
            onExportSweep={() => actions.exportSweep(sweep.points, model?.id ?? 'model')}
          />
          <AboutPanel />
          {!state.presentation && <p className="hint shortcuts">Keyboard: {SHORTCUTS}.</p>}
        </aside>
        <div className="results">
          <Readouts model={model} view={view} busy={prune.busy} loading={state.loading} />
          <div className="chart-grid">
            <section className="card">
              <AccuracyChart
                points={chartPoints}
                denseAccuracy={model?.denseAccuracy ?? null}
                keepPercent={chartKeep}
                mode={sweep.mode}
                onModeChange={actions.setSweepMode}
                refitAvailable={settings.refit}
              />
              <p className="hint" data-testid="sweep-status">
                {sweep.busy ? 'Sweeping all methods…' : `${sweep.points.length} points`};{' '}
                {wide
                  ? `GFS stops at ${gfsMax}% kept: on layers over ${WIDE_LAYER_UNITS.toLocaleString('en-US')} neurons each neuron it adds costs a pass over the calibration data.`
                  : `GFS is swept up to ${gfsMax}% kept (it slows as the kept set grows).`}
              </p>
            </section>
            <VisibleOnly className="card">
              <ResidualChart layers={residualLayers} />
            </VisibleOnly>
            <VisibleOnly className="card">
              <KeptChart hiddenWidths={hiddenWidths} keepRatios={chartKeepRatios} iterations={iterations} />
            </VisibleOnly>
            <VisibleOnly className="card">
              <TimingChart
                timings={timings}
                speedupAt={speedupAt}
                caption={`Prune time near ${chartKeep}% kept, measured in this browser (${METHOD_LABELS[settings.method]} selected)`}
              />
            </VisibleOnly>
            <VisibleOnly className="card">
              <SparsityChart profile={state.sparsity} />
            </VisibleOnly>
          </div>
          <section className="card neurons">
            <h2>First-layer neurons</h2>
            <p className="hint">
              Each tile is one neuron's incoming weights as a 28×28 image (orange positive, blue negative). Kept neurons are bright, pruned ones dimmed.
            </p>
            {iterations && <StepControls total={iterations.length} index={state.step} onChange={actions.setStep} />}
            <NeuronGrid
              atlas={state.atlas}
              kept={firstLayer?.kept ?? null}
              step={stepView}
              enteredAt={entered}
              importance={firstLayer?.importance}
            />
          </section>
          <section className="card">
            <h2>Try it</h2>
            <DigitPad
              prediction={state.pad.prediction}
              onInput={actions.padInput}
              onPickTestImage={actions.pickTestImage}
              pickedLabel={state.pad.label}
              image={state.pad.image}
            />
          </section>
        </div>
      </main>
    </div>
  );
}

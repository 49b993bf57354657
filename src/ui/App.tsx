import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { errorMessage, METHOD_LABELS, PRUNE_METHODS } from '../client/worker-client';
import { BackendBadge } from './BackendBadge';
import { ErrorNote, ErrorToasts } from './ErrorNotes';
import { overallKeepPercent, sweepLine } from './job-lines';
import { VisibleOnly } from './VisibleOnly';
import { Deferred } from './Deferred';
import { AccuracyChart } from './charts/AccuracyChart';
import { KeptChart } from './charts/KeptChart';
import { ResidualChart } from './charts/ResidualChart';
import { SparsityChart } from './charts/SparsityChart';
import { TimingChart } from './charts/TimingChart';
import { keptCount } from './charts/kept-series';
import { enteredAt, speedupPoint, timingsAt, type TimingsAtRatio } from './derive';
import { NeuronGrid } from './neurons/NeuronGrid';
import { DigitPad } from './pad/DigitPad';
import { AboutPanel } from './panels/AboutPanel';
import { ExportPanel } from './panels/ExportPanel';
import { ModelPanel } from './panels/ModelPanel';
import { PrunePanel } from './panels/PrunePanel';
import { CompactResult, Readouts } from './panels/Readouts';
import { TrainPanel } from './panels/TrainPanel';
import { keepRatios } from './store';
import { gfsMaxPercent, WIDE_LAYER_UNITS } from './sweep-plan';
import { useNextTask } from './use-next-task';
import { usePlayground } from './use-playground';
import { SideBySide } from './compare/SideBySide';
import { LessonButton, LessonPanel } from './lesson/LessonPanel';
import { useLesson } from './lesson/use-lesson';
import { DenseNote } from './methods/DenseNote';
import { CardStrip, MethodCardsProvider } from './methods/MethodCards';
import { StepPanel } from './stepmode/StepPanel';
import { RepeatedTimings } from './timing/RepeatedTimings';
import { stepTrace } from './stepmode/step-trace';
import { channelsViewInput } from './cnn/channels-input';
import { KeptChannels } from './cnn/KeptChannels';
import { ChannelsView } from './channels/ChannelsView';
import { useChannelMaps } from './channels/use-channel-maps';
import { kindAt, unitNoun, unitsOf } from './unit-words';

const SHORTCUTS = '[ and ] change the keep ratio (Shift: by 10), M cycles the method, S steps through the selection (any method), P toggles presentation mode';

export function App() {
  const { state, actions, client } = usePlayground();
  const { settings, model, prune, sweep } = state;
  const view = prune.view;
  // Charts follow deferred copies: the slider and readouts update first, charts when React has time.
  const chartView = useDeferredValue(view);
  const hiddenWidths = useMemo(() => (model ? model.sizes.slice(1, -1) : []), [model]);
  const hiddenKinds = model?.hiddenKinds;
  const isCnn = model?.kind === 'cnn';
  const firstUnit = kindAt(hiddenKinds, 0);
  // The first layer's views (kept-set churn, neuron grid) follow one task later: a new result
  // then redraws the residual chart in one task and the rest in the next, each short.
  const layerView = useNextTask(chartView);
  const chartKeep = useDeferredValue(overallKeepPercent(settings.keep, settings.perLayer, hiddenWidths));
  const chartPoints = useDeferredValue(sweep.points);
  const firstLayer = layerView?.layers[0];
  const iterations = firstLayer?.iterations;
  const trace = useMemo(
    () =>
      firstLayer && layerView
        ? stepTrace(firstLayer, { method: layerView.request.method, samples: layerView.request.samples, seed: layerView.request.seed, unit: firstUnit })
        : null,
    [firstLayer, layerView, firstUnit],
  );
  const stepView = state.step !== null && trace ? trace.sets(Math.min(state.step, trace.total - 1)) : null;
  // A convolutional network's channels after the prune shown (and the step and digit): what the channel views draw.
  const channelsInput = useMemo(() => channelsViewInput(model, layerView, stepView, state.pad.pixels), [model, layerView, stepView, state.pad.pixels]);
  const channelMaps = useChannelMaps(client, isCnn ? model.id : null, channelsInput, layerView?.serial ?? null, state.pad.pixels);
  const [compare, setCompare] = useState(false);
  const lesson = useLesson(state, actions, setCompare);
  const entered = useMemo(() => (firstLayer ? enteredAt(firstLayer.units, firstLayer.iterations) : undefined), [firstLayer]);
  // The timing chart redraws a task after the accuracy chart when sweep points arrive.
  const timingPoints = useNextTask(chartPoints);
  const timingsAtRatio = useMemo(() => timingsAt(timingPoints, chartKeep / 100, PRUNE_METHODS), [timingPoints, chartKeep]);
  const firstWidth = hiddenWidths[0] ?? 0;
  const speedupAt = useMemo(() => {
    const at = speedupPoint(timingPoints, chartKeep / 100);
    return at && { keep: at.keep, keptNeurons: keptCount(at.keep, firstWidth), ispaspMs: at.ispaspMs, gfsMs: at.gfsMs };
  }, [timingPoints, chartKeep, firstWidth]);
  const gfsMax = gfsMaxPercent(hiddenWidths, model?.kind);
  const wide = hiddenWidths.some((units) => units > WIDE_LAYER_UNITS);
  const liveResiduals = useDeferredValue(prune.busy ? prune.liveResiduals : null);
  const residualLayers = useMemo(
    () => (liveResiduals && liveResiduals.length > 0 ? liveResiduals.map((residuals) => ({ residuals })) : chartView?.layers ?? []),
    [liveResiduals, chartView],
  );
  // The slider's marks on the charts follow the slider at once: they redraw alone (SliderMarker).
  const sliderKeepRatios = useMemo(() => keepRatios(settings, hiddenWidths.length), [settings, hiddenWidths]);

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
        if (trace) actions.setStep(state.step === null ? 0 : Math.min(state.step + 1, trace.total - 1));
      } else if (event.key === 'p' || event.key === 'P') actions.setPresentation(!state.presentation);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions, settings.keep, settings.method, trace, state.step, state.presentation]);

  return (
    <MethodCardsProvider>
    <div className={`app${state.presentation ? ' presentation' : ''}`}>
      <header className="app-header">
        <div>
          <h1>SpaSP Playground</h1>
          <p className="tagline">Structured pruning with i-SpaSP, live in your browser</p>
        </div>
        <div className="header-tools">
          <BackendBadge backend={state.backend} />
          <LessonButton lesson={lesson} />
          <button
            onClick={() => setCompare(!compare)}
            aria-pressed={compare && !isCnn}
            disabled={isCnn}
            title={isCnn ? 'Side by side compares the neurons of the sparse and the plain Dense networks' : undefined}
            data-testid="side-by-side-toggle"
          >
            Side by side
          </button>
          <button onClick={() => actions.setPresentation(!state.presentation)} aria-pressed={state.presentation} data-testid="presentation-toggle">
            {state.presentation ? 'Exit presentation' : 'Presentation mode'}
          </button>
        </div>
      </header>
      <p className="visually-hidden" aria-live="polite" data-testid="live-region">
        {state.announcement}
      </p>
      <ErrorToasts errors={state.errors} onDismiss={actions.dismissError} />
      {state.phase === 'starting' && <p className="loading">Starting the pruning engine and loading MNIST…</p>}
      <main className="layout">
        <aside className="controls">
          <ErrorNote errors={state.errors} sources={['start', 'link', 'model', 'saved']} onDismiss={actions.dismissError} />
          <ModelPanel models={state.models} model={model} loading={state.modelLoading} onSelect={actions.selectModel} onImport={actions.importFiles} onCancel={actions.cancelLoad} />
          <PrunePanel settings={settings} hiddenWidths={hiddenWidths} hiddenKinds={hiddenKinds} onChange={actions.setSettings} />
          <ErrorNote errors={state.errors} sources={['prune']} onDismiss={actions.dismissError} />
          <Deferred stage={2}>
            {!state.presentation && (
              <TrainPanel
                train={state.train}
                job={state.jobs.train}
                errors={state.errors}
                onDismissError={actions.dismissError}
                onTrain={actions.train}
                onStop={actions.stopTraining}
              />
            )}
            <ExportPanel
              canExport={Boolean(view)}
              canExportSweep={sweep.points.length > 0}
              networkFormats={!isCnn}
              onExportModel={actions.exportModel}
              onExportNetwork={actions.exportNetwork}
              onExportReport={actions.exportReport}
              onExportSweep={() => actions.exportSweep(sweep.points, model?.id ?? 'model')}
            />
            <ErrorNote errors={state.errors} sources={['export']} onDismiss={actions.dismissError} />
            <AboutPanel />
            {!state.presentation && <p className="hint shortcuts">Keyboard: {SHORTCUTS}.</p>}
          </Deferred>
        </aside>
        <div className="results">
          <Readouts model={model} view={view} busy={prune.busy} loading={state.loading} finetuning={state.jobs.finetune?.state === 'running'} />
          <CompactResult view={view} busy={prune.busy} />
          {compare && !isCnn && (
            <SideBySide models={state.models} model={model} atlas={state.atlas} view={view} settings={settings} onClose={() => setCompare(false)} />
          )}
          <div className="chart-grid">
            <Deferred>
              <section className="card">
                <AccuracyChart
                  points={chartPoints}
                  denseAccuracy={model?.denseAccuracy ?? null}
                  keepPercent={overallKeepPercent(settings.keep, settings.perLayer, hiddenWidths)}
                  mode={sweep.mode}
                  onModeChange={actions.setSweepMode}
                  refitAvailable={settings.refit}
                  units={unitsOf(hiddenKinds ?? [])}
                />
                <ErrorNote errors={state.errors} sources={['sweep']} onDismiss={actions.dismissError} />
                <p className="hint" data-testid="sweep-status">
                  {sweepLine(state.jobs.sweep, sweep.points.length, sweep.busy)};{' '}
                  {isCnn
                    ? 'GFS works on the channels’ Gram matrix here, as cheap as i-SpaSP: swept all the way to 100%.'
                    : wide
                    ? `GFS stops at ${gfsMax}% kept: on layers over ${WIDE_LAYER_UNITS.toLocaleString('en-US')} neurons each neuron it adds costs a pass over the calibration data.`
                    : `GFS is swept up to ${gfsMax}% kept (it slows as the kept set grows).`}
                </p>
                <DenseNote model={model} />
                <CardStrip />
              </section>
              <VisibleOnly className="card">
                <ResidualChart layers={residualLayers} />
                <CardStrip topics={['residual', 'ispasp', 'gfs']} />
              </VisibleOnly>
            </Deferred>
            <Deferred stage={2}>
              <VisibleOnly className="card">
                <KeptChart hiddenWidths={hiddenWidths} keepRatios={sliderKeepRatios} iterations={iterations} hiddenKinds={hiddenKinds} />
              </VisibleOnly>
              <VisibleOnly className="card">
                <TimingChart
                  timings={timingsAtRatio.timings}
                  speedupAt={speedupAt}
                  unit={unitNoun(firstUnit, 1)}
                  caption={timingCaption(timingsAtRatio, firstWidth, gfsMax, unitNoun(firstUnit), isCnn)}
                />
                <CardStrip topics={['ispasp', 'gfs']} />
                <RepeatedTimings
                  modelId={model?.id ?? null}
                  keep={speedupAt?.keep ?? null}
                  keptNeurons={speedupAt?.keptNeurons ?? null}
                  settings={settings}
                />
              </VisibleOnly>
              <VisibleOnly className="card">
                <SparsityChart profile={state.sparsity} units={unitNoun(firstUnit)} />
              </VisibleOnly>
            </Deferred>
          </div>
          <Deferred stage={2}>
            {isCnn ? (
              <section className="card channels" data-testid="channels">
                <h2>Channels</h2>
                <p className="hint">
                  Each hidden layer's channels (the Dense layer's neurons), numbered from 0: kept ones bright, pruned ones dimmed. Hover or focus one for its
                  activation sum and importance; Step walks the first layer's selection.
                </p>
                {trace && <StepPanel trace={trace} index={state.step} onChange={actions.setStep} />}
                {channelsInput && <KeptChannels input={channelsInput} />}
                <h3 className="channels__title">Feature maps</h3>
                <p className="hint">
                  What each convolution computes for one digit: draw a digit on the pad below, pick “Drawn”, and watch which feature maps survive as the slider
                  moves. In step mode the first layer shows the step’s kept set.
                </p>
                {channelMaps.error ? (
                  <p className="hint" role="alert" data-testid="channels-error">
                    The feature maps could not be computed: {errorMessage(channelMaps.error)}
                  </p>
                ) : null}
                <ChannelsView
                  maps={channelMaps.maps}
                  digits={channelMaps.digits}
                  drawn={state.pad.pixels}
                  selected={channelMaps.selected}
                  onSelectDigit={channelMaps.select}
                  pending={channelMaps.pending}
                />
              </section>
            ) : (
            <section className="card neurons" data-testid="neurons">
              <h2>First-layer neurons</h2>
              <p className="hint">
                Each tile is one neuron's incoming weights as a 28×28 image (orange positive, blue negative). Kept neurons are bright with a thick frame, pruned ones faded and crossed out.
              </p>
              {trace && <StepPanel trace={trace} index={state.step} onChange={actions.setStep} />}
              <NeuronGrid
                atlas={state.atlas}
                kept={firstLayer?.kept ?? null}
                step={stepView}
                enteredAt={entered}
                importance={firstLayer?.importance}
              />
            </section>
            )}
            <section className="card">
              <h2>Try it</h2>
              <ErrorNote errors={state.errors} sources={['pad']} onDismiss={actions.dismissError} />
              <DigitPad
                prediction={state.pad.prediction}
                onInput={actions.padInput}
                onPickTestImage={actions.pickTestImage}
                pickedLabel={state.pad.label}
                image={state.pad.image}
              />
            </section>
          </Deferred>
        </div>
      </main>
      <LessonPanel lesson={lesson} />
    </div>
    </MethodCardsProvider>
  );
}

/** Every bar is at one kept count; say which, and which methods the sweep did not time there. */
function timingCaption(at: TimingsAtRatio, width: number, gfsMax: number, units = 'neurons', cached = false): string {
  if (at.keep === null) return 'Prune time per method, measured in this browser.';
  const percent = Math.round(at.keep * 1000) / 10;
  const missing = at.missing.length > 0 ? ` ${at.missing.map((method) => METHOD_LABELS[method]).join(', ')} not timed at this ratio${at.missing.includes('gfs') ? ` (GFS is swept up to ${gfsMax}%)` : ''}.` : '';
  const passes = cached ? ' The channel problems were already built (the first prune pays for them): these are selection and the later layers’ passes.' : '';
  return `Prune time at ${percent}% kept (${keptCount(at.keep, width).toLocaleString('en-US')} ${units} in the first layer), one sweep measurement per method, in this browser.${missing}${passes}`;
}

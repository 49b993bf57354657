/**
 * Plays the lesson table on the app: a step sets the model, method, keep ratio, refit and
 * fine-tuning, opens step mode or the side-by-side view, and points at one region of the page.
 * The step number lives in the URL (`?lesson=k`), so every step is a link that reopens it.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { AppState } from '../store';
import type { PlaygroundActions } from '../use-playground';
import { LESSON_STEPS, lessonStepFromSearch, withLessonStep, type LessonStep } from './lesson-steps';

export interface LessonControl {
  readonly open: boolean;
  /** 0-based. */
  readonly index: number;
  readonly step: LessonStep;
  readonly count: number;
  /** Presentation mode is on (links to a step then open it presented). */
  readonly presentation: boolean;
  start(): void;
  close(): void;
  go(index: number): void;
}

const FOCUS_CLASS = 'lesson-focus';

/** The view shown is the one this step asked for (so step mode opens on the right iterations). */
function viewMatches(state: AppState, step: LessonStep): boolean {
  const request = state.prune.view?.request;
  return (
    state.model?.id === step.model &&
    request !== undefined &&
    request.method === step.method &&
    typeof request.keep === 'number' &&
    Math.abs(request.keep - step.keep / 100) < 1e-9
  );
}

export function useLesson(state: AppState, actions: PlaygroundActions, setCompare: (on: boolean) => void, steps: readonly LessonStep[] = LESSON_STEPS): LessonControl {
  const [index, setIndex] = useState(() => {
    const fromUrl = lessonStepFromSearch(window.location.search, steps.length);
    return fromUrl === null ? 0 : fromUrl - 1;
  });
  const [open, setOpen] = useState(() => lessonStepFromSearch(window.location.search, steps.length) !== null);
  /** The step whose iteration is still to be opened once its prune arrives. */
  const pendingIteration = useRef<number | null>(null);
  const ready = state.phase === 'ready';
  const step = steps[index];

  // Apply a step when it is entered (and once the model list is known).
  const { models, model } = state;
  const currentModel = model?.id ?? state.settings.model;
  // Only entering a step applies it; later changes by the user are theirs. So the effect below
  // runs on entering alone and reads everything else as it is then, from here.
  const entering = useRef({ actions, currentModel, models, setCompare, steps });
  // A layout effect: it runs before the passive effect below in every commit.
  useLayoutEffect(() => {
    entering.current = { actions, currentModel, models, setCompare, steps };
  });
  useEffect(() => {
    if (!open || !ready) return;
    const { actions, currentModel, models, setCompare, steps } = entering.current;
    const wanted = steps[index];
    if (currentModel !== wanted.model && models.some((entry) => entry.id === wanted.model)) actions.selectModel(wanted.model);
    actions.setSettings({ method: wanted.method, keep: wanted.keep, refit: wanted.refit, finetuneEpochs: wanted.finetune, perLayer: null });
    setCompare(Boolean(wanted.compare));
    pendingIteration.current = wanted.iteration === undefined ? null : index;
    window.history.replaceState(null, '', withLessonStep(window.location.search, index + 1) + window.location.hash);
  }, [open, ready, index]);

  // Step mode opens when the step's own prune is shown.
  const view = state.prune.view;
  useEffect(() => {
    if (!open || pendingIteration.current !== index || !view) return;
    const wanted = steps[index];
    if (wanted.iteration === undefined || !viewMatches(state, wanted)) return;
    const iterations = view.layers[0]?.iterations;
    if (!iterations) return;
    pendingIteration.current = null;
    actions.setStep(Math.min(wanted.iteration, iterations.length - 1));
  }, [open, index, view, state, steps, actions]);

  // Presentation mode travels with the link (`&present=1`), so a shared step opens as presented.
  const { presentation } = state;
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('present') === '1') actions.setPresentation(true);
  }, [actions]);
  useEffect(() => {
    if (!open) return;
    const params = new URLSearchParams(window.location.search);
    if (presentation) params.set('present', '1');
    else params.delete('present');
    window.history.replaceState(null, '', `?${params.toString()}${window.location.hash}`);
  }, [open, presentation, index]);

  // Once the step's own result is in, the page above the target has its final height: point again.
  const resultReady = open && state.atlas !== null && viewMatches(state, step) && (step.iteration === undefined || state.step !== null);
  // Point at the step's region: scroll it into view and outline its card (again when the layout changes).
  useEffect(() => {
    if (!open) return;
    let frame = 0;
    let tries = 0;
    let stopFollowing = () => undefined as void;
    const mark = () => {
      const target = document.querySelector<HTMLElement>(`[data-testid="${steps[index].focus}"]`);
      if (!target) {
        if (++tries < 60) frame = requestAnimationFrame(mark);
        return;
      }
      const card = target.closest<HTMLElement>('.card') ?? target;
      for (const old of document.querySelectorAll(`.${FOCUS_CLASS}`)) if (old !== card) old.classList.remove(FOCUS_CLASS);
      card.classList.add(FOCUS_CLASS);
      const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
      // The thing itself, not its (possibly tall) card; below the panel's width the panel covers
      // the bottom of the window, so the target goes to the top.
      const docked = window.matchMedia?.('(min-width: 1100px)').matches ?? true;
      const point = (behavior: ScrollBehavior) => target.scrollIntoView({ block: docked ? 'center' : 'start', behavior });
      point(reduced ? 'auto' : 'smooth');
      stopFollowing = followLayout(() => point('auto'));
    };
    frame = requestAnimationFrame(mark);
    return () => {
      cancelAnimationFrame(frame);
      stopFollowing();
    };
  }, [open, index, steps, presentation, resultReady]);

  const close = useCallback(() => {
    setOpen(false);
    setCompare(false);
    for (const old of document.querySelectorAll(`.${FOCUS_CLASS}`)) old.classList.remove(FOCUS_CLASS);
    const params = new URLSearchParams(withLessonStep(window.location.search, null));
    params.delete('present');
    const rest = params.toString();
    window.history.replaceState(null, '', `${rest ? `?${rest}` : window.location.pathname}${window.location.hash}`);
  }, [setCompare]);

  const go = useCallback((next: number) => setIndex(Math.max(0, Math.min(steps.length - 1, next))), [steps.length]);
  const start = useCallback(() => setOpen(true), []);

  // Arrow keys move through the lesson, unless a control that uses them has the focus.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, select, textarea, canvas, [contenteditable], [role="slider"], [role="application"]')) return;
      if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
      if (event.key === 'ArrowRight') go(index + 1);
      else if (event.key === 'ArrowLeft') go(index - 1);
      else if (event.key === 'Escape') close();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, index, go, close]);

  return { open, index, step, count: steps.length, presentation, start, close, go };
}

/**
 * Charts and results above the target keep growing for a moment after a step opens; for two
 * seconds, each change of the page's height points again, until the reader scrolls by themselves.
 */
function followLayout(point: () => void, durationMs = 2000): () => void {
  if (typeof ResizeObserver === 'undefined') return () => undefined;
  let lastHeight = document.body.scrollHeight;
  const observer = new ResizeObserver(() => {
    const height = document.body.scrollHeight;
    if (height !== lastHeight) {
      lastHeight = height;
      point();
    }
  });
  const stop = () => {
    observer.disconnect();
    window.clearTimeout(timer);
    for (const type of USER_SCROLL_EVENTS) window.removeEventListener(type, stop);
  };
  const timer = window.setTimeout(stop, durationMs);
  observer.observe(document.body);
  for (const type of USER_SCROLL_EVENTS) window.addEventListener(type, stop, { passive: true });
  return stop;
}

const USER_SCROLL_EVENTS = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;

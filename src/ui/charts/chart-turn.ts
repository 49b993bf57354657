/**
 * Charts take turns: a chart whose plot data changed waits for its turn, and only one chart
 * redraws per main-thread task. A Recharts plot that mounts or takes new data costs 20-70 ms on
 * the 2-core build machine (render, then its store's layout-effect updates, all in one task); five
 * of them getting data from one result made single tasks of 100-200 ms. A turn ends a frame after
 * the chart's commit, when its store has redrawn what it batches for animation frames.
 */
import { startTransition, useEffect, useRef, useState } from 'react';

export type Grant = () => void;

export interface TurnQueue {
  /** Queue `grant` (once); it is called, in a task of its own, when its turn comes. */
  request(grant: Grant): void;
  /** Done (or no longer waiting): the next grant gets its turn in a later task. */
  release(grant: Grant): void;
  /**
   * No new turn while held (a slider prune is on its way: the worker and the result's render get
   * the CPU first), except one every `maxHoldMs` so that a drag, which keeps prunes in flight
   * throughout, does not starve the charts. Returns the release (idempotent).
   */
  hold(): () => void;
}

/**
 * A chart's redraw waits at most this long behind held turns. On the 2-core build machine a
 * Recharts plot's redraw costs 20-70 ms: several of them at once, just after a result, took the
 * CPU from the next slider move's prune (mlp-10000's first move: 130-270 ms instead of ~90 ms).
 */
export const MAX_HOLD_MS = 150;

/** One turn at a time, each granted in a new task (setTimeout) after the last was released. */
export function createTurnQueue(maxHoldMs = MAX_HOLD_MS): TurnQueue {
  const waiting: Grant[] = [];
  let holder: Grant | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let holds = 0;
  /** While held: when the last turn was given (or the hold began). */
  let heldSince = 0;
  const schedule = () => {
    if (holder || timer !== null || waiting.length === 0) return;
    const delay = holds > 0 ? Math.max(0, heldSince + maxHoldMs - performance.now()) : 0;
    timer = setTimeout(() => {
      timer = null;
      const next = waiting.shift();
      if (!next) return;
      if (holds > 0) heldSince = performance.now();
      holder = next;
      next();
    }, delay);
  };
  return {
    request(grant) {
      if (holder !== grant && !waiting.includes(grant)) waiting.push(grant);
      schedule();
    },
    release(grant) {
      const index = waiting.indexOf(grant);
      if (index >= 0) waiting.splice(index, 1);
      if (holder === grant) {
        holder = null;
        schedule();
      }
    },
    hold() {
      if (holds++ === 0) heldSince = performance.now();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--holds > 0) return;
        // A turn waiting out the hold goes now.
        if (timer !== null) {
          clearTimeout(timer);
          timer = null;
        }
        schedule();
      };
    },
  };
}

const charts = createTurnQueue();
const request = (grant: Grant) => charts.request(grant);
const release = (grant: Grant) => charts.release(grant);

/** Holds the charts' turns (TurnQueue.hold) while a slider prune is on its way; returns the release. */
export const holdChartTurns = (): (() => void) => charts.hold();

/**
 * Runs `done` after the next animation frame (or 100 ms, where frames do not come: a hidden tab):
 * a Recharts chart's store hands its updates to its subscribers in an animation frame, so a chart's
 * redraw ends there. Returns a cancel function (the turn is then released elsewhere).
 */
function afterChartFrame(done: () => void): () => void {
  let finished = false;
  let after: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    finished = true;
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
    clearTimeout(after);
  };
  const finish = () => {
    if (finished) return;
    cancel();
    done();
  };
  // The frame's work is done when a task after it starts.
  const frame = requestAnimationFrame(() => {
    after = setTimeout(finish);
  });
  const fallback = setTimeout(finish, 100);
  return cancel;
}

/**
 * `value`, once it is this chart's turn: the first render sees it at once, later changes one
 * task (or a few, behind other charts) later, latest wins.
 */
export function useChartTurn<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const shownRef = useRef(shown);
  const [grant] = useState<Grant>(() => {
    const turn: Grant = () => {
      // Nothing new to draw (the value came back): pass the turn on at once.
      if (Object.is(latest.current, shownRef.current)) release(turn);
      // A transition: its render yields to the slider and does not join other updates' render.
      else startTransition(() => setShown(() => latest.current));
    };
    return turn;
  });

  useEffect(() => {
    latest.current = value;
  }, [value]);
  // The new value has been committed (this runs after the commit): the next chart's turn. Before
  // the request below, which must survive it when the value moved on meanwhile.
  useEffect(() => {
    shownRef.current = shown;
    return afterChartFrame(() => release(grant));
  }, [shown, grant]);
  useEffect(() => {
    if (!Object.is(value, shown)) request(grant);
  }, [value, shown, grant]);
  useEffect(() => () => release(grant), [grant]);
  return shown;
}

/**
 * Helper threads for the sparse ReLU-affine kernel. Its strips of 24 output columns are
 * independent (each writes its own columns of H and its own column sums), so a layer's strips
 * are split between the calling thread and helper threads that run the same WebAssembly module
 * over one shared memory. The call stays synchronous: the caller hands out the strips through a
 * control block at the start of that memory, does its own share and waits with Atomics for the
 * others, which is why it must run where Atomics.wait is allowed (Node, a Web Worker).
 *
 * Environment-free: how a thread is started (node:worker_threads, a browser Worker) is given by
 * the caller as a `KernelThreadSpawner`. Helpers start asynchronously; until one reports ready,
 * the caller simply does all the strips itself, so results never depend on timing (the same
 * strip computes the same bits on any thread).
 */

/** What a helper needs: the compiled module, the shared memory and its slot number (1-based). */
export interface KernelThreadInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly index: number;
}

export interface KernelThreadHandle {
  terminate(): void;
}

/**
 * Starts a thread that runs `body`, JavaScript source of a function body reading a variable
 * named `init` (a `KernelThreadInit`), and posts it `init`. Node: a worker_threads Worker with
 * `eval`; browser: a Worker from a Blob URL.
 */
export type KernelThreadSpawner = (body: string, init: KernelThreadInit) => KernelThreadHandle;

/** One job: the arguments `strip` takes, for every strip and panel of one block of rows. */
export interface StripJob {
  readonly rowptr: number;
  readonly count: number;
  readonly packed: number;
  readonly stripBytes: number;
  readonly bias: number;
  readonly h: number;
  readonly ldh: number;
  readonly sums: number;
  readonly panels: number;
  readonly strips: number;
}

/** The control block: int32 slots in bytes [0, CONTROL_BYTES) of the shared memory. */
export const CONTROL_BYTES = 256;
export const MAX_KERNEL_HELPERS = 7;
const GENERATION = 0;
const QUIT = 1;
const JOB = 2; // rowptr, count, packed, stripBytes, bias, h, ldh, sums, panels, strips, team size
const READY = 16; // + helper index
const DONE = 32; // + helper index: the last generation it finished
const RANK = 48; // + helper index: its share of the current job (0: none)
/** A helper that has not finished its strips after this long has stopped answering. */
const WAIT_LIMIT_MS = 30_000;

/**
 * The helper's loop, as source text so that any environment can start it without a bundler
 * knowing about it. It mirrors `runStrips` in sparse-relu-affine.ts strip for strip.
 */
const HELPER_BODY = `
const { module, memory, index } = init;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
let seen = Atomics.load(ctrl, ${GENERATION});
Atomics.store(ctrl, ${READY} + index, 1);
for (;;) {
  Atomics.wait(ctrl, ${GENERATION}, seen);
  const generation = Atomics.load(ctrl, ${GENERATION});
  if (generation === seen) continue;
  seen = generation;
  if (Atomics.load(ctrl, ${QUIT}) !== 0) break;
  const rank = ctrl[${RANK} + index];
  if (rank > 0) {
    const [rowptr, count, packed, stripBytes, bias, h0, ldh, sums, panels, strips, team] = ctrl.subarray(${JOB}, ${JOB + 11});
    const s1 = Math.floor(((rank + 1) * strips) / team);
    for (let s = Math.floor((rank * strips) / team); s < s1; s++) {
      const w = packed + s * stripBytes;
      const h = h0 + s * 96;
      for (let p = 0; p < panels; p++) {
        kernel.strip(rowptr + p * (count + 1) * 4, count, w, p === 0 ? bias + s * 96 : h, p === 0 ? 0 : ldh, h, ldh, sums + s * 192, p === panels - 1 ? 1 : 0);
      }
    }
  }
  Atomics.store(ctrl, ${DONE} + index, generation);
  Atomics.notify(ctrl, ${DONE} + index);
}
`;

/** Helpers to start on a machine with `cores` cores: one per core beyond the caller's, at most 3 (the kernel is memory-bound past ~4 threads). */
export function helpersForCores(cores: number): number {
  return Math.max(0, Math.min(3, Math.floor(cores) - 1));
}

/** Strips `[first, end)` of `strips` for participant `rank` of `team`. */
export function stripShare(rank: number, team: number, strips: number): [number, number] {
  return [Math.floor((rank * strips) / team), Math.floor(((rank + 1) * strips) / team)];
}

function waitForValue(ctrl: Int32Array, slot: number, value: number): void {
  const deadline = performance.now() + WAIT_LIMIT_MS;
  for (;;) {
    const current = Atomics.load(ctrl, slot);
    if (current === value) return;
    const left = deadline - performance.now();
    if (left <= 0) throw new Error('a sparse-kernel helper thread stopped answering');
    try {
      Atomics.wait(ctrl, slot, current, Math.min(left, 1000));
    } catch {
      // Atomics.wait is refused on a browser's main thread: poll instead (short jobs only).
    }
  }
}

/** Helper threads bound to one shared memory; the owner runs its share on the calling thread. */
export class StripTeam {
  private readonly ctrl: Int32Array;
  private readonly threads: KernelThreadHandle[] = [];
  private broken = false;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, spawn: KernelThreadSpawner, helpers: number) {
    this.ctrl = new Int32Array(memory.buffer, 0, CONTROL_BYTES / 4);
    this.ctrl.fill(0);
    const count = Math.max(0, Math.min(MAX_KERNEL_HELPERS, Math.floor(helpers)));
    for (let index = 1; index <= count; index++) this.threads.push(spawn(HELPER_BODY, { module, memory, index }));
  }

  /** Helpers that have started and can take strips now. */
  readyHelpers(): number[] {
    if (this.broken) return [];
    const ready: number[] = [];
    for (let index = 1; index <= this.threads.length; index++) if (Atomics.load(this.ctrl, READY + index) === 1) ready.push(index);
    return ready;
  }

  /**
   * Runs `job`'s strips: `runOwn(first, end)` on this thread, the rest on the ready helpers.
   * Returns when every strip is done.
   */
  run(job: StripJob, runOwn: (first: number, end: number) => void): void {
    const helpers = this.readyHelpers();
    const team = helpers.length + 1;
    if (team === 1 || job.strips < team) {
      runOwn(0, job.strips);
      return;
    }
    const { ctrl } = this;
    ctrl.set([job.rowptr, job.count, job.packed, job.stripBytes, job.bias, job.h, job.ldh, job.sums, job.panels, job.strips, team], JOB);
    for (let index = 1; index <= this.threads.length; index++) ctrl[RANK + index] = helpers.indexOf(index) + 1;
    const generation = Atomics.add(ctrl, GENERATION, 1) + 1;
    Atomics.notify(ctrl, GENERATION);
    const [first, end] = stripShare(0, team, job.strips);
    try {
      runOwn(first, end);
    } finally {
      try {
        for (const index of helpers) waitForValue(ctrl, DONE + index, generation);
      } catch (error) {
        // Its strips may still be half written: fail this call, and run alone from now on.
        this.broken = true;
        throw error;
      }
    }
  }

  dispose(): void {
    this.broken = true;
    Atomics.store(this.ctrl, QUIT, 1);
    Atomics.add(this.ctrl, GENERATION, 1);
    Atomics.notify(this.ctrl, GENERATION);
    for (const thread of this.threads) thread.terminate();
    this.threads.length = 0;
  }
}

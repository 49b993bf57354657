/**
 * Helper threads for the sparse ReLU-affine kernel. Its strips of 32 output columns are
 * independent (each writes its own columns of H and its own column sums), so a layer's strips
 * are shared between the calling thread and helper threads that run the same WebAssembly module
 * over one shared memory. The call stays synchronous: the caller publishes the job in a control
 * block at the start of that memory; every thread then takes strips one at a time from a shared
 * counter (on two busy cores a helper may not run for milliseconds: whoever runs does the work),
 * and the caller waits with Atomics for the strips others hold, which is why it must run where
 * Atomics.wait is allowed (Node, a Web Worker).
 *
 * Environment-free: how a thread is started (node:worker_threads, a browser Worker) is given by
 * the caller as a `KernelThreadSpawner`. Helpers start asynchronously; until one reports ready,
 * the caller simply does all the strips itself, so results never depend on timing (the same
 * strip computes the same bits on any thread).
 */

import { STRIP_BYTES } from './strip-layout';

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
  /** The panels each strip runs: `[firstPanel, panelEnd)` of `panels` (the first starts from the biases, the last applies ReLU). */
  readonly firstPanel: number;
  readonly panelEnd: number;
  /**
   * Where W lies row-major (rows `ldh` bytes apart), unpacked: each strip packs W's rows
   * `[packRow, packRow + packRows)` before it runs, and the row of zeros past the inputs with
   * row 0; 0 once packed.
   */
  readonly raw: number;
  readonly packRow: number;
  readonly packRows: number;
}

/** The job fields in the order the control block holds them. */
function jobFields(job: StripJob): number[] {
  return [job.rowptr, job.count, job.packed, job.stripBytes, job.bias, job.h, job.ldh, job.sums, job.panels, job.strips, job.firstPanel, job.panelEnd, job.raw, job.packRow, job.packRows];
}

/** The control block: int32 slots in bytes [0, CONTROL_BYTES) of the shared memory. */
export const CONTROL_BYTES = 256;
export const MAX_KERNEL_HELPERS = 7;
const GENERATION = 0;
const QUIT = 1;
/** The job, as jobFields lays it out. */
const JOB = 2;
const JOB_FIELDS = 15;
/** 1 while the caller runs a call's blocks back to back (StripTeam.hold): helpers poll between jobs. */
const HOLD = JOB + JOB_FIELDS;
/**
 * How long a held helper polls for the next job before it sleeps anyway. Between two blocks of
 * one call the wait is about one strip (tens of microseconds); waking from Atomics.wait took
 * 0.1-0.3 ms, per block, on the 2-core build machine.
 */
const HOLD_POLL_MS = 2;
/**
 * The next strip to hand out, tagged with the job: `(generation & 0x7fff) << 16 | strip`. Every
 * thread takes strips one at a time from here, so a helper the system has not scheduled yet
 * leaves its share to whoever runs; one waking up after its job is over finds the tag changed.
 */
const CLAIM = HOLD + 1;
/** Strips finished in the current job, by anyone. */
const COMPLETED = CLAIM + 1;
/** + helper index: 1 once the helper listens. */
export const READY_SLOT = COMPLETED + 1;
/** Strips the helpers have run, all jobs together (for benchmarks: how much of the work they got). */
const HELPER_STRIPS = READY_SLOT + MAX_KERNEL_HELPERS + 1;
/** Jobs with more strips than the claim word holds run on the calling thread alone. */
const MAX_SHARED_STRIPS = 0xfffe;
/** A job whose strips are not all finished after this long has a helper that stopped answering. */
const WAIT_LIMIT_MS = 30_000;

/**
 * The helper's loop, as source text so that any environment can start it without a bundler
 * knowing about it. It runs a strip exactly as `runStrip` in sparse-relu-affine.ts does.
 */
const HELPER_BODY = `
const { module, memory, index } = init;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
let seen = Atomics.load(ctrl, ${GENERATION});
Atomics.store(ctrl, ${READY_SLOT} + index, 1);
for (;;) {
  Atomics.wait(ctrl, ${GENERATION}, seen);
  const generation = Atomics.load(ctrl, ${GENERATION});
  if (generation === seen) continue;
  seen = generation;
  if (Atomics.load(ctrl, ${QUIT}) !== 0) break;
  // Read before claiming: a claim that succeeds proves the job was still running, so these were its.
  const [rowptr, count, packed, stripBytes, bias, h0, ldh, sums, panels, strips, firstPanel, panelEnd, raw, packRow, packRows] = ctrl.subarray(${JOB}, ${JOB + JOB_FIELDS});
  const zeroRow = stripBytes / ${STRIP_BYTES} - 1;
  const tag = (generation & 0x7fff) << 16;
  for (;;) {
    const word = Atomics.load(ctrl, ${CLAIM});
    if ((word & ~0xffff) !== tag || (word & 0xffff) >= strips) break;
    if (Atomics.compareExchange(ctrl, ${CLAIM}, word, word + 1) !== word) continue;
    const s = word & 0xffff;
    const w = packed + s * stripBytes;
    const h = h0 + s * ${STRIP_BYTES};
    if (raw !== 0) {
      kernel.pack(raw + s * ${STRIP_BYTES} + packRow * ldh, ldh, packRows, 1, w + packRow * ${STRIP_BYTES});
      if (packRow === 0 && packRows <= zeroRow) kernel.pack(raw + s * ${STRIP_BYTES} + zeroRow * ldh, ldh, 1, 1, w + zeroRow * ${STRIP_BYTES});
    } else kernel.prefetch(w, stripBytes);
    for (let p = firstPanel; p < panelEnd; p++) {
      kernel.strip(rowptr + p * (count + 1) * 4, count, w, p === 0 ? bias + s * ${STRIP_BYTES} : h, p === 0 ? 0 : ldh, h, ldh, sums + s * ${2 * STRIP_BYTES}, p === panels - 1 ? 1 : 0);
    }
    Atomics.add(ctrl, ${HELPER_STRIPS}, 1);
    if (Atomics.add(ctrl, ${COMPLETED}, 1) + 1 === strips) Atomics.notify(ctrl, ${COMPLETED});
  }
  const until = performance.now() + ${HOLD_POLL_MS};
  while (Atomics.load(ctrl, ${HOLD}) !== 0 && Atomics.load(ctrl, ${GENERATION}) === seen && performance.now() < until);
}
`;

/** Helpers to start on a machine with `cores` cores: one per core beyond the caller's, at most 3 (the kernel is memory-bound past ~4 threads). */
export function helpersForCores(cores: number): number {
  return Math.max(0, Math.min(3, Math.floor(cores) - 1));
}

/**
 * How long the caller polls for the helpers' last strips before it sleeps: a strip takes tens of
 * microseconds, and waking from Atomics.wait took 0.05-0.3 ms on the 2-core build machine.
 */
const CALLER_POLL_MS = 0.5;

function waitForValue(ctrl: Int32Array, slot: number, value: number): void {
  const polling = performance.now() + CALLER_POLL_MS;
  while (Atomics.load(ctrl, slot) !== value && performance.now() < polling);
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
  /** Strips the calling thread has run in shared jobs (run alone, it is not counted). */
  private ownStrips = 0;

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
    for (let index = 1; index <= this.threads.length; index++) if (Atomics.load(this.ctrl, READY_SLOT + index) === 1) ready.push(index);
    return ready;
  }

  /**
   * While held, helpers that finish a job poll briefly for the next one instead of sleeping:
   * hold a call's blocks, which follow each other within microseconds, and release after them.
   */
  hold(on: boolean): void {
    Atomics.store(this.ctrl, HOLD, on ? 1 : 0);
  }

  /**
   * Runs `job`'s strips, `runStrip(s)` on this thread for the strips it takes and the same on the
   * ready helpers for theirs. Returns when every strip is done. `meanwhile`, when given, runs on
   * this thread first, while the helpers start on the strips (before them where none can help).
   */
  run(job: StripJob, runStrip: (strip: number) => void, meanwhile?: () => void): void {
    const { strips } = job;
    const alone = this.readyHelpers().length === 0 || strips < 2 || strips > MAX_SHARED_STRIPS;
    if (alone) {
      meanwhile?.();
      for (let s = 0; s < strips; s++) runStrip(s);
      return;
    }
    const { ctrl } = this;
    ctrl.set(jobFields(job), JOB);
    Atomics.store(ctrl, COMPLETED, 0);
    const generation = (Atomics.load(ctrl, GENERATION) + 1) | 0;
    const tag = (generation & 0x7fff) << 16;
    Atomics.store(ctrl, CLAIM, tag);
    Atomics.store(ctrl, GENERATION, generation);
    Atomics.notify(ctrl, GENERATION);
    let failed = 0;
    try {
      meanwhile?.();
      for (;;) {
        const s = Atomics.add(ctrl, CLAIM, 1) & 0xffff;
        if (s >= strips) break;
        failed = 1;
        runStrip(s);
        failed = 0;
        this.ownStrips++;
        Atomics.add(ctrl, COMPLETED, 1);
      }
    } finally {
      // After a failure: hand out nothing more, and wait for the strips helpers hold.
      const claimed = Math.min(strips, (failed ? Atomics.exchange(ctrl, CLAIM, tag | 0xffff) : Atomics.load(ctrl, CLAIM)) & 0xffff);
      try {
        waitForValue(ctrl, COMPLETED, claimed - failed);
      } catch (error) {
        // Its strips may still be half written: fail this call, and run alone from now on.
        this.broken = true;
        throw error;
      }
    }
  }

  /**
   * Strips run so far in jobs shared with helpers: by the calling thread and by the helpers. On
   * two busy cores a helper may get no core for a while; benchmarks report the helpers' share.
   */
  stripCounts(): { caller: number; helpers: number } {
    return { caller: this.ownStrips, helpers: Atomics.load(this.ctrl, HELPER_STRIPS) };
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

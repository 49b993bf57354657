/**
 * The calibration pass measured where the app runs it: in a Chromium Web Worker, with the
 * kernel's helper threads (cross-origin isolated page), on the same random 784-N-10 layers and
 * MNIST calibration images as `npm run bench`, beside the WebAssembly SIMD peak measured in the
 * same worker. Serves scripts/browser/calibration-pass.html with a Vite dev server (the
 * project's config: COOP/COEP headers) on a free port; part of `npm run bench:browser`
 * (`--only-kernel` runs it alone, `--no-kernel` skips it).
 */
import os from 'node:os';
import type { Browser } from 'playwright-core';
import { createServer } from 'vite';
import type { CalibrationPassResult } from './browser/calibration-pass.worker';
import { freePort } from './free-port';
import { wasmSimdPeakBinary } from './wasm-simd-peak';

/** The target: useful GFLOP/s at least this share of the peak of the threads used. */
export const CALIBRATION_PEAK_SHARE = 0.5;

export interface BrowserCalibrationPass extends CalibrationPassResult {
  readonly samples: number;
  readonly repeats: number;
  readonly loadAverage: number[];
}

export async function calibrationPassInBrowser(browser: Browser, options: { units: readonly number[]; samples: number; repeats: number }): Promise<BrowserCalibrationPass> {
  const port = await freePort();
  const server = await createServer({ logLevel: 'error', server: { host: '127.0.0.1', port, strictPort: true } });
  await server.listen();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/scripts/browser/calibration-pass.html`);
    await page.waitForFunction(() => typeof window.runCalibrationPass === 'function');
    const peakBase64 = Buffer.from(await wasmSimdPeakBinary()).toString('base64');
    const request = { peakBase64, units: options.units, samples: options.samples, repeats: options.repeats };
    const result = await page.evaluate((r) => window.runCalibrationPass(r), request);
    return { ...result, samples: options.samples, repeats: options.repeats, loadAverage: os.loadavg() };
  } finally {
    await context.close();
    await server.close();
  }
}

/** Table rows (metric, target, measured, met) for each width measured. */
export function calibrationPassRows(pass: BrowserCalibrationPass): [string, string, string, string][] {
  const peak = pass.peakPerThreadGflops * pass.threads;
  return pass.rows.flatMap((row): [string, string, string, string][] => {
    // Useful flops (pass-work.ts): the pass's are relu(X W + b)'s plus U = H V's; relu alone, its own.
    const gflops = (flops: number, ms: number) => flops / ms / 1e6;
    const share = (flops: number, ms: number, of: number) => `${gflops(flops, ms).toFixed(1)} GFLOP/s = ${((100 * gflops(flops, ms)) / of).toFixed(1)}%`;
    return [
      [
        `calibration pass in Chromium's worker (the app's engine), 784-${row.units}-10, n = ${pass.samples}, ${pass.threads} threads: useful GFLOP/s (non-zero MACs of relu(X W + b) and U = H V)`,
        `>= ${CALIBRATION_PEAK_SHARE * 100}% of peak ${peak.toFixed(1)}`,
        `${row.passMs.toFixed(2)} ms, ${share(row.passFlops, row.passMs, peak)} (relu(X W + b)'s MACs alone: ${share(row.reluFlops, row.passMs, peak)}); ` +
          `relu(X W + b) alone ${row.reluMs.toFixed(2)} ms, ${share(row.reluFlops, row.reluMs, peak)}` +
          (row.helperStripShare === null ? '' : `; the helpers ran ${(100 * row.helperStripShare).toFixed(0)}% of the strips`),
        gflops(row.passFlops, row.passMs) >= CALIBRATION_PEAK_SHARE * peak ? 'yes' : 'NO',
      ],
      [
        `  the same on one thread (peak ${pass.peakPerThreadGflops.toFixed(1)})`,
        '-',
        `${row.passOneThreadMs.toFixed(2)} ms, ${share(row.passFlops, row.passOneThreadMs, pass.peakPerThreadGflops)}; relu alone ${row.reluOneThreadMs.toFixed(2)} ms, ${share(row.reluFlops, row.reluOneThreadMs, pass.peakPerThreadGflops)}`,
        '-',
      ],
    ];
  });
}

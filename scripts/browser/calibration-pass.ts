/** The page side of the browser calibration-pass bench: hands the request to the worker, returns its answer. */
import type { CalibrationPassRequest, CalibrationPassResult } from './calibration-pass.worker';

declare global {
  interface Window {
    runCalibrationPass(request: CalibrationPassRequest): Promise<CalibrationPassResult>;
  }
}

window.runCalibrationPass = (request) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./calibration-pass.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ result?: CalibrationPassResult; error?: string }>) => {
      worker.terminate();
      if (event.data.result) resolve(event.data.result);
      else reject(new Error(event.data.error ?? 'no result'));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`calibration-pass worker: ${event.message}`));
    };
    worker.postMessage(request);
  });

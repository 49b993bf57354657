/// <reference lib="webworker" />
/** The one Web Worker: owns tfjs and every tensor, exposes the API with Comlink. */
import * as Comlink from 'comlink';
import { createPlaygroundApi } from './api';
import { activateBackend } from './backend-init';
import { startKernelThreads } from './kernel-threads';
import { indexedDbPersistence } from './persistence';

const siteRoot = new URL(import.meta.env.BASE_URL, self.location.origin);

async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(new URL(path, siteRoot));
  if (!response.ok) throw new Error(`could not fetch ${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Before any model loads: the helpers boot while the model list and data arrive.
const kernel = startKernelThreads();

const api = createPlaygroundApi({
  fetchBytes,
  activateBackend: async (forced) => ({ ...(await activateBackend(forced)), kernelThreads: kernel.threads }),
  persistence: indexedDbPersistence(),
});

Comlink.expose(api);

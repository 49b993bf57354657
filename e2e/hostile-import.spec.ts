/**
 * The app's import and saved models against hostile input, generated at test time from one small
 * valid model (test/hostile/model-cases.ts, the cases the CLI suite runs too). Each refused import
 * shows one short line that stays when a prune lands, and the open model keeps working; nothing in
 * a file or a saved record runs as script; bad saved records are skipped and reported.
 */
import { expect, test, type Page } from '@playwright/test';
import { MAX_ERROR_LENGTH } from '../src/core/error-line';
import { saveMlpToArtifacts } from '../src/core/model/io';
import { randomMlp } from '../src/core/model/random-mlp';
import { initNodeBackend } from '../src/node/tf-node';
import { baseModel, modelCases, type BaseModel } from '../test/hostile/model-cases';
import { collectErrors, openApp, setKeep } from './helpers/app';

let base: BaseModel;

test.beforeAll(async () => {
  await initNodeBackend('cpu');
  base = await baseModel();
});

/** Fails the test if anything from a file or a record ran as script. */
function watchForScript(page: Page): () => Promise<void> {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return async () => {
    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  };
}

async function expectErrorLine(page: Page, expected: string | RegExp): Promise<string> {
  const message = page.getByTestId('error-message');
  await expect(message).toBeVisible();
  if (typeof expected === 'string') await expect(message).toContainText(expected);
  else await expect(message).toHaveText(expected);
  const text = (await message.textContent()) ?? '';
  expect(text.split('\n')).toHaveLength(1);
  expect(text.length).toBeLessThanOrEqual(MAX_ERROR_LENGTH);
  return text;
}

test('every hostile import shows one line that stays when a prune lands, and the open model keeps working', async ({ page }) => {
  test.setTimeout(240_000);
  // Every other case, every class: the worker suite (src/worker/hostile-import.test.ts) runs all
  // of them through the same import code in Node; here the page's side is what is tested.
  const all = modelCases(base);
  const cases = all.filter((_, i) => i % 2 === 0);
  expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(all.map((c) => c.kind)));
  expect(cases.length).toBeGreaterThanOrEqual(15);
  const scriptRan = watchForScript(page);
  await openApp(page);
  const layers = await page.getByTestId('model-layers').textContent();
  let keep = 10;
  for (const hostile of cases) {
    await test.step(hostile.name, async () => {
      if (await page.getByTestId('error-message').isVisible()) await page.getByRole('button', { name: 'Dismiss error' }).click();
      await page.getByTestId('model-import').setInputFiles([
        { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(hostile.modelJson) },
        ...hostile.files.map((file) => ({ name: file.name, mimeType: 'application/octet-stream', buffer: Buffer.from(file.bytes) })),
      ]);
      const shown = await expectErrorLine(page, hostile.expected);
      // A prune lands: the message stays, the model is the one open before.
      keep = keep === 10 ? 30 : 10;
      await setKeep(page, keep);
      await expect(page.getByTestId('kept-count')).toHaveText(keep === 10 ? /^102 \/ 1024$/ : /^307 \/ 1024$/);
      await expect(page.getByTestId('error-message')).toHaveText(shown);
      await expect(page.getByTestId('model-layers')).toHaveText(layers!);
    });
  }
  await scriptRan();
});

test('an import with markup in its file name is shown as text, and opens', async ({ page }) => {
  const scriptRan = watchForScript(page);
  await openApp(page);
  const name = '<img src=x onerror="window.__pwned=1;alert(1)">';
  await page.getByTestId('model-import').setInputFiles([
    { name: `${name}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(base.json)) },
    { name: base.weightsName, mimeType: 'application/octet-stream', buffer: Buffer.from(base.weights) },
  ]);
  await expect(page.getByTestId('model-layers')).toHaveText('784 → 16 → 10', { timeout: 60_000 });
  await expect(page.getByTestId('model-select').locator('option:checked')).toHaveText(`Imported: ${name}`);
  await scriptRan();
});

test('bad saved records are skipped and reported; the app starts and the shipped model keeps its place', async ({ page }) => {
  const errors = collectErrors(page);
  const scriptRan = watchForScript(page);
  await openApp(page);
  const { modelJson, weightData } = await saveMlpToArtifacts(randomMlp([784, 8, 10], 4));
  const artifacts = { modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, format: 'layers-model' };
  const entry = (id: string, extra: object = {}) => ({ id, title: `Saved ${id}`, description: 'saved', sizes: [784, 8, 10], source: 'trained', ...extra });
  const records = [
    { id: 'trained-object-title', withModel: true, entry: entry('trained-object-title', { title: { $$typeof: 'react.element', props: {} } }) },
    { id: 'trained-no-model', withModel: false, entry: entry('trained-no-model') },
    { id: 'mlp-1024-sparse', withModel: true, entry: entry('mlp-1024-sparse', { title: 'Impostor' }) },
    { id: 'trained-markup', withModel: true, entry: entry('trained-markup', { title: '<img src=x onerror="window.__pwned=1">' }) },
    { id: 'trained-good', withModel: true, entry: entry('trained-good') },
  ];
  await page.evaluate(
    async ({ records, artifacts, weights }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('tensorflowjs', 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore('models_store', { keyPath: 'modelPath' });
          request.result.createObjectStore('model_info_store', { keyPath: 'modelPath' });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const info = { dateSaved: new Date(), modelTopologyType: 'JSON' };
      for (const record of records) {
        const modelPath = `spasp-playground/${record.id}`;
        const stores = record.withModel ? ['model_info_store', 'models_store'] : ['model_info_store'];
        const tx = db.transaction(stores, 'readwrite');
        tx.objectStore('model_info_store').put({ modelPath, modelArtifactsInfo: info });
        if (record.withModel) {
          const modelArtifacts = { ...artifacts, weightData: new Uint8Array(weights).buffer, userDefinedMetadata: { entry: record.entry } };
          tx.objectStore('models_store').put({ modelPath, modelArtifacts, modelArtifactsInfo: info });
        }
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      }
      db.close();
    },
    { records, artifacts, weights: Array.from(new Uint8Array(weightData)) },
  );

  await openApp(page);
  await expectErrorLine(page, /^3 saved models were skipped; the first: saved model /);
  const options = page.getByTestId('model-select').locator('option');
  await expect(options).toContainText(['Saved trained-good', '<img src=x onerror="window.__pwned=1">']);
  expect(await options.allTextContents()).not.toContain('Impostor');
  await expect(page.getByTestId('model-select').locator('option:checked')).not.toHaveText('Impostor');
  // The saved good one opens, and the shipped default still prunes.
  await page.getByTestId('model-select').selectOption('trained-good');
  await expect(page.getByTestId('model-layers')).toHaveText('784 → 8 → 10', { timeout: 60_000 });
  await page.getByTestId('model-select').selectOption('mlp-1024-sparse');
  await expect(page.getByTestId('model-layers')).toHaveText('784 → 1024 → 10', { timeout: 60_000 });
  await setKeep(page, 30);
  await expect(page.getByTestId('kept-count')).toHaveText(/^307 \/ 1024$/);
  await scriptRan();
  expect(errors.filter((line) => /Minified React error|uncaught/i.test(line))).toEqual([]);
});

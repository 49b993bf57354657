import { defineConfig } from '@playwright/test';

/** End-to-end tests against the built app (vite preview), in Debian's Chromium; Playwright never downloads browsers. */
const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    viewport: { width: 1280, height: 720 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--enable-unsafe-webgpu',
        '--enable-unsafe-swiftshader',
      ],
    },
  },
  projects: [
    { name: 'wasm', testIgnore: /webgpu\.spec\.ts$/ },
    // tfjs on WebGPU through SwiftShader (software): forced by ?backend=webgpu, with the same flags.
    { name: 'webgpu', testMatch: /webgpu\.spec\.ts$/, timeout: 300_000 },
  ],
  webServer: {
    command: `npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});

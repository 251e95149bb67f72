import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

// End-to-end journeys in Debian's Chromium (browsers cannot be downloaded here). Normally started by
// `npm run test:e2e` (scripts/run-e2e.mjs), which picks a fresh database and data folder; running
// `npx playwright test` directly uses the defaults below.
const PORT = Number(process.env.E2E_PORT ?? 3187);
const BASE = `http://127.0.0.1:${PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  throw new Error(`No Chromium at ${CHROMIUM}. Install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`);
}
// Production server (built by scripts/start.ts when sources changed) unless E2E_DEV=1 asks for `next dev`.
const command = process.env.E2E_DEV === '1' ? 'npx tsx server.ts --dev' : 'npx tsx scripts/start.ts';

export const ADMIN = { email: process.env.CASCADE_ADMIN_EMAIL ?? 'admin@cascade.local', password: process.env.CASCADE_ADMIN_PASSWORD ?? 'e2e-admin-password' };

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/playwright',
  // `next dev` compiles each page on its first visit: much slower on a busy machine.
  timeout: process.env.E2E_DEV === '1' ? 400_000 : 90_000,
  expect: { timeout: process.env.E2E_DEV === '1' ? 90_000 : 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: BASE,
    viewport: { width: 1360, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      // cascade.test reaches the same server under another host name (e2e/accounts.spec.ts: sign-out stays on it).
      args: [`--host-resolver-rules=MAP cascade.test 127.0.0.1`, '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    { name: 'journeys', testMatch: /.*\.spec\.ts/, dependencies: ['setup'] },
  ],
  webServer: {
    command,
    url: `${BASE}/signin`,
    timeout: 15 * 60_000, // the first run builds the app
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      // No NEXTAUTH_URL: next-auth takes its URLs from each request, so any host name works (docs/ACCOUNTS.md).
      NODE_ENV: process.env.E2E_DEV === '1' ? 'development' : 'production',
      CASCADE_DATA_DIR: process.env.CASCADE_DATA_DIR ?? join(tmpdir(), `cascade-e2e-${PORT}`),
      CASCADE_ADMIN_EMAIL: ADMIN.email,
      CASCADE_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    },
  },
});

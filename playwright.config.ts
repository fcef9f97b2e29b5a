import { defineConfig } from '@playwright/test'
import { e2e } from './tests/e2e/support/e2e-env'

// Browser tests run Debian's Chromium (`apt-get install chromium`); Playwright's own browser
// downloads are not used. The platform under test is the production build, started by the
// same launcher as `npm start`, on its own port and data folder.
export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '.data/reports/playwright.json' }]],
  use: {
    baseURL: e2e.baseUrl,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    // Every run starts from an empty platform. (Playwright starts the web server before any
    // global setup, so the reset belongs here.)
    command: `rm -rf ${e2e.dataDir} && node --import tsx scripts/start.ts`,
    url: `${e2e.baseUrl}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: e2e.serverEnv,
  },
})

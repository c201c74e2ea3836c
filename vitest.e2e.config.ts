import { defineConfig } from 'vitest/config';

// Browser tests (Chromium through playwright-core) against a real server; `npm run test:e2e` builds the page first.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});

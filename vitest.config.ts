import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Browser suites (npm run test:e2e) and the fault matrix (npm run test:faults) have their own configs.
    exclude: ['tests/e2e/**', 'tests/faults/**', 'node_modules/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: integration files start real processes; more parallelism only adds contention.
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

// The fault matrix (issue 11): attacks and failing parts, each against real services. `npm run test:faults`.
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

// One run for the whole workspace. Test files are isolated by their own database and stream
// prefix (packages/testing), so they may run in parallel; 2 cores here, so keep workers modest.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.spec.ts', 'services/*/test/**/*.spec.ts', 'tests/**/*.spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 3,
    reporters: ['default'],
    // Starts NATS/Postgres containers when no URL is set and a Docker engine answers; otherwise a no-op.
    globalSetup: ['packages/testing/src/global-setup.ts'],
  },
});

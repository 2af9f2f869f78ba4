import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Powertools writes EMF through its own Console on stdout; keep it out of dev mode in tests.
    env: { POWERTOOLS_DEV: 'false', POWERTOOLS_LOG_LEVEL: 'WARN' },
    testTimeout: 30_000,
    reporters: ['default', './test/support/closing-line-reporter.ts'],
  },
});

import { defineConfig } from 'vitest/config';

/**
 * The slow tier: suites that package the stack with serverless, run cfn-lint or Chromium, replay the
 * scenarios, spawn the CLIs or pack and install the package. `npm run test:fast` runs every other
 * suite; `npm test` (what CI runs) runs both. Chosen from vitest's per-file durations (vitest run
 * --reporter=json); a new suite is fast unless listed here.
 */
export const SLOW_SUITES = [
  'test/scenarios.test.ts',
  'test/healthy-weeks.test.ts',
  'test/replay.test.ts',
  'test/cli.test.ts',
  'test/cli-package.test.ts',
  'test/stack.test.ts',
  'test/alarm-simulator.test.ts',
  'test/feedback.test.ts',
  'test/capacity.test.ts',
  'test/notifier-stack.test.ts',
  'test/preview.browser.test.ts',
  'test/weekly-advisor-simulate.test.ts',
  'test/organization-template.test.ts',
];

export default defineConfig({
  test: {
    // Powertools writes EMF through its own Console on stdout; keep it out of dev mode in tests.
    env: { POWERTOOLS_DEV: 'false', POWERTOOLS_LOG_LEVEL: 'WARN' },
    testTimeout: 30_000,
    setupFiles: ['test/support/emf-matcher.ts'],
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: SLOW_SUITES } },
      // Simulating a multi-day scenario takes tens of seconds on a loaded 2-core machine.
      // Hooks too: a cold Chromium launch right after `npm ci` took more than the default 10 s in CI.
      {
        extends: true,
        test: { name: 'slow', include: SLOW_SUITES, testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});

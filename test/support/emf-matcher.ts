/**
 * `expect(line).toBeValidEmf()`: the one EMF check every suite uses, registered for all of them
 * through vitest's setupFiles (vitest.config.ts). It passes only for a string in which the validator
 * (cli/common/emf-validator.ts) finds no problem, and fails listing every problem it found.
 */
import { expect } from 'vitest';
import { emfProblems } from '../../cli/common/emf-validator';

declare module 'vitest' {
  interface Matchers<T> {
    /** The line is one EMF document CloudWatch would accept whole (the validator finds no problem). */
    toBeValidEmf: () => T;
  }
}

expect.extend({
  toBeValidEmf(received: unknown) {
    const problems =
      typeof received === 'string' ? emfProblems(received) : [`not a string but ${typeof received}`];
    const shown = typeof received === 'string' ? received.slice(0, 300) : String(received);
    return {
      pass: problems.length === 0,
      message: () =>
        problems.length === 0
          ? `expected an invalid EMF document, got a valid one: ${shown}`
          : `expected a valid EMF document, found: ${problems.join('; ')}\nin: ${shown}`,
    };
  },
});

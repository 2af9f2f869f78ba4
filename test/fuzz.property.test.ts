import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bombCase, fuzzCaseArb, hugeBatchCase } from '../dev/lib/fuzz/arbitraries';
import { createFuzzRunner } from '../dev/lib/fuzz/check';
import { formatCaseArb, INPUT_FORMATS } from '../dev/lib/fuzz/formats';

// The same campaign `npm run fuzz` runs, at a size fit for every test run.
const runner = createFuzzRunner();

describe('ingest handler under the fuzz campaign (mutated events)', () => {
  it('keeps every invariant for mutated records, junk lines and broken envelopes', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzCaseArb, async (fuzzCase) => {
        expect(await runner.check(fuzzCase)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('reads every input format, gzipped or not and cut anywhere, to the figures of its events', async () => {
    await fc.assert(
      fc.asyncProperty(formatCaseArb, async (formatCase) => {
        expect(await runner.checkFormat(formatCase)).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });

  it.each(INPUT_FORMATS)('detects a format case whose reader dropped an event (%s)', async (format) => {
    const [sample] = fc.sample(
      formatCaseArb.filter((c) => c.format === format),
      { seed: 11, numRuns: 1 },
    );
    if (!sample) throw new Error('no sample');

    const problems = await runner.checkFormat({ ...sample, messages: [...sample.messages, '{}'] });

    expect(problems.join('\n')).toMatch(/events read of|gave/);
  });

  it('stops a decompression bomb by name, emitting nothing about models', async () => {
    expect(await runner.check(bombCase(runner.maxDecompressedBytes))).toEqual([]);
  });

  it('processes a 10,500-event batch near the 1 MB compressed limit', async () => {
    const huge = hugeBatchCase();
    const compressed = (huge.event as { awslogs: { data: string } }).awslogs.data.length * 0.75;

    const problems = await runner.check(huge);

    expect(compressed).toBeGreaterThan(100 * 1024);
    expect(problems).toEqual([]);
  }, 60_000);

  it('reports a broken invariant (the checker can fail)', async () => {
    // A well-formed event labelled broken must be reported as accepted.
    const [valid] = fc.sample(
      fuzzCaseArb.filter((c) => !c.broken),
      { seed: 7, numRuns: 1 },
    );
    if (!valid) throw new Error('no sample');

    const labelledBroken = await runner.check({ ...valid, broken: true });
    const miscounted = await runner.check({ ...valid, events: (valid.events ?? 0) + 1 });

    expect(labelledBroken).toContain(`a broken ${valid.kind} was accepted`);
    expect(miscounted).toEqual([`received ${valid.events} of ${(valid.events ?? 0) + 1} events`]);
  });
});

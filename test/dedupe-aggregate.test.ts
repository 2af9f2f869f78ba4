import { describe, expect, it } from 'vitest';
import { type Invocation, parseInvocationRecord } from '../shared/ingest/2-parse';
import { dedupeInvocations, isStreamPlaceholder } from '../shared/ingest/3-dedupe';
import { priceInvocation } from '../shared/ingest/5-price';
import { aggregateByMinute } from '../shared/ingest/7-aggregate';
import { line, makeRecord, priceTable, type RecordOptions, T0 } from './support/helpers';

const invocation = (options: RecordOptions): Invocation => {
  const result = parseInvocationRecord(line(makeRecord(options)), { nowMs: T0 + 3_600_000 });
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.invocation;
};
const price = (inv: Invocation) => priceInvocation(inv, priceTable);

describe('dedupeInvocations', () => {
  it('counts a redelivered copy once', () => {
    const a = invocation({ requestId: 'r-1' });

    const { invocations, duplicates } = dedupeInvocations([a, { ...a }, invocation({ requestId: 'r-2' })]);

    expect(invocations.map((i) => i.requestId)).toEqual(['r-1', 'r-2']);
    expect(duplicates).toBe(1);
  });

  it('drops the ConverseStream zero-count placeholder in favour of the full record', () => {
    const placeholder = invocation({
      operation: 'ConverseStream',
      requestId: 'r-9',
      inputTokens: 0,
      outputTokens: 0,
      delivery: 'off',
    });
    const full = invocation({
      operation: 'ConverseStream',
      requestId: 'r-9',
      inputTokens: 40,
      outputTokens: 12,
    });

    const { invocations, duplicates } = dedupeInvocations([placeholder, full]);

    expect(isStreamPlaceholder(placeholder)).toBe(true);
    expect(isStreamPlaceholder(full)).toBe(false);
    expect(invocations).toEqual([full]);
    expect(duplicates).toBe(1);
  });

  it('does not take a failed zero-count call or a Converse call for a placeholder', () => {
    const failedStream = invocation({ operation: 'ConverseStream', errorCode: 'ThrottlingException' });
    const emptyConverse = invocation({ operation: 'Converse', inputTokens: 0, outputTokens: 0 });

    expect(isStreamPlaceholder(failedStream)).toBe(false);
    expect(isStreamPlaceholder(emptyConverse)).toBe(false);
  });
});

describe('aggregateByMinute', () => {
  it('buckets a batch spanning several minutes by the records own minute and model', () => {
    const haiku = 'anthropic.claude-3-haiku-20240307-v1:0';
    const nova = 'amazon.nova-lite-v1:0';

    const buckets = aggregateByMinute(
      [
        invocation({ time: T0 + 5_000, modelId: haiku, latencyMs: 100 }),
        invocation({ time: T0 + 59_000, modelId: haiku, latencyMs: 300 }),
        invocation({ time: T0 + 61_000, modelId: haiku, errorCode: 'ModelTimeoutException' }),
        invocation({
          time: T0 + 125_000,
          modelId: nova,
          operation: 'InvokeModel',
          inputTokens: 10,
          outputTokens: 20,
        }),
      ],
      price,
    );

    expect(buckets.map((b) => [b.minuteStartMs - T0, b.modelId, b.invocations])).toEqual([
      [0, haiku, 2],
      [60_000, haiku, 1],
      [120_000, nova, 1],
    ]);
    expect(buckets[0]?.latencyMs).toEqual([100, 300]);
    expect(buckets[0]?.inputTokens).toBe(200);
    expect(buckets[1]?.errors.Timeout).toBe(1);
    expect(buckets[1]?.latencyUnavailable).toBe(1);
    expect(buckets[1]?.costUsd).toBe(0);
    expect(buckets[2]?.latencyUnavailable).toBe(1);
    expect(buckets[2]?.costUsd).toBeCloseTo((10 * 0.00006 + 20 * 0.00024) / 1000, 15);
  });

  it('counts unpriced successful calls and leaves their cost at zero', () => {
    const [bucket] = aggregateByMinute(
      [
        invocation({ modelId: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc' }),
        invocation({
          modelId: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc',
          errorCode: 'ValidationException',
        }),
      ],
      price,
    );

    expect(bucket).toMatchObject({
      invocations: 2,
      unpricedInvocations: 1,
      pricedInvocations: 0,
      costUsd: 0,
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEmfSeries } from '../shared/analysis/emf-reader';
import { summariseModels } from '../shared/analysis/summary';
import type { SubscriptionPayload } from '../shared/ingest/1-decode';
import { ingestBatch } from '../shared/ingest/batch';
import { line, makeRecord, type Operation, priceTable, T0 } from './support/helpers';

const NOW = T0 + 2 * 3_600_000;
const deps = { nowMs: NOW, priceTable, emf: { namespace: 'BedrockWatch', service: 'bedrock-watch' } };
const payloadOf = (messages: unknown[]): SubscriptionPayload => ({
  messageType: 'DATA_MESSAGE',
  logEvents: messages.map((message, i) => ({ id: String(i), timestamp: T0, message })),
});

const MODELS = [
  'anthropic.claude-3-haiku-20240307-v1:0',
  'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
  'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'amazon.nova-lite-v1:0',
  'acme.unpriced-v1:0',
];
const OPERATIONS: Operation[] = [
  'Converse',
  'ConverseStream',
  'InvokeModel',
  'InvokeModelWithResponseStream',
];

/** A valid record with a unique requestId (index), sometimes preceded by its stream placeholder. */
const recordArb = fc.record({
  model: fc.constantFrom(...MODELS),
  operation: fc.constantFrom(...OPERATIONS),
  minute: fc.integer({ min: 0, max: 90 }),
  second: fc.integer({ min: 0, max: 59 }),
  inputTokens: fc.integer({ min: 1, max: 50_000 }),
  outputTokens: fc.integer({ min: 0, max: 8_000 }),
  cacheRead: fc.integer({ min: 0, max: 40_000 }),
  latencyMs: fc.integer({ min: 1, max: 60_000 }),
  ttftMs: fc.integer({ min: 1, max: 10_000 }),
  error: fc.option(
    fc.constantFrom('ThrottlingException', 'ModelTimeoutException', 'AccessDeniedException', 'Weird'),
    {
      freq: 5,
    },
  ),
  delivery: fc.constantFrom('bodies' as const, 'bodies' as const, 's3' as const, 'off' as const),
  placeholder: fc.boolean(),
});

type GeneratedRecord = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

function messagesFor(records: GeneratedRecord[]): string[] {
  const out: string[] = [];
  records.forEach((r, i) => {
    const requestId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const common = {
      requestId,
      modelId: r.model,
      operation: r.operation,
      time: T0 + r.minute * 60_000 + r.second * 1000,
    };
    if (r.placeholder && r.operation === 'ConverseStream' && !r.error) {
      out.push(line(makeRecord({ ...common, inputTokens: 0, outputTokens: 0, delivery: 'off' })));
    }
    out.push(
      line(
        makeRecord({
          ...common,
          inputTokens: r.inputTokens,
          outputTokens: r.outputTokens,
          ...(r.model.includes('anthropic') ? { cacheRead: r.cacheRead } : {}),
          latencyMs: r.latencyMs,
          ttftMs: r.ttftMs,
          delivery: r.delivery,
          ...(r.error ? { errorCode: r.error } : {}),
        }),
      ),
    );
  });
  return out;
}

/** Per-model totals after sending the messages in the given batches. */
function totalsFor(batches: string[][]) {
  const documents = batches.flatMap((b) => ingestBatch(payloadOf(b), deps).documents);
  const { models } = summariseModels(readEmfSeries(documents).values(), 'BedrockWatch');
  return Object.fromEntries(
    models.map((m) => [
      m.modelId,
      { ...m, costUsd: m.costUsd === null ? null : Math.round(m.costUsd * 1e6) / 1e6 },
    ]),
  );
}

/** Splits an array at the given cut points (any number of batches). */
function split<T>(items: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b);
  const parts: T[][] = [];
  let start = 0;
  for (const p of points) {
    parts.push(items.slice(start, p));
    start = p;
  }
  parts.push(items.slice(start));
  return parts;
}

describe('ingestBatch, property-tested', () => {
  it('gives per-model totals that do not depend on record order or on how records are split into batches', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.integer(),
        (records, cuts, seed) => {
          const messages = messagesFor(records);
          // Placeholders must precede or sit beside their record in any batch: shuffle whole records.
          const shuffled =
            fc.sample(fc.shuffledSubarray(messages, { minLength: messages.length }), {
              seed,
              numRuns: 1,
            })[0] ?? messages;

          const splitTotals = totalsFor(split(shuffled, cuts));
          const wholeTotals = totalsFor([messages]);

          expect(splitTotals).toEqual(wholeTotals);
        },
      ),
      { numRuns: 150 },
    );
  });

  const junkArb = fc.oneof(
    fc.string(),
    fc.constant('Permissions are correctly set for Amazon Bedrock logs.'),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.integer(),
    fc.constant(null),
    recordArb.chain((r) =>
      fc.constantFrom('timestamp', 'modelId', 'requestId', 'region', 'input', 'operation').chain((field) =>
        fc
          .oneof(fc.constant(undefined), fc.integer({ min: -5, max: 5 }), fc.string(), fc.double())
          .map((value) => {
            const record = JSON.parse(messagesFor([r]).at(-1) as string);
            if (value === undefined) delete record[field];
            else record[field] = value;
            return JSON.stringify(record);
          }),
      ),
    ),
  );

  it('accounts for every event (accepted + rejected + duplicates), gives every rejection a reason and writes valid EMF', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 40 }),
        fc.array(junkArb, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (records, junk, repeats) => {
          const valid = messagesFor(records);
          const redelivered = valid.length > 0 ? repeats.map((i) => valid[i % valid.length] as string) : [];
          const messages = [...valid, ...junk, ...redelivered];

          const result = ingestBatch(payloadOf(messages), deps);

          const { counts } = result;
          expect(counts.received).toBe(messages.length);
          expect(counts.accepted + counts.rejected + counts.duplicates).toBe(messages.length);
          expect(Object.values(counts.rejectedByReason).reduce((a, b) => a + b, 0)).toBe(counts.rejected);
          for (const r of result.rejections) expect(r.reason).toMatch(/^[a-z-]+(:[A-Za-z.]+)?$/);
          for (const doc of result.documents) expect(doc).toBeValidEmf();
        },
      ),
      { numRuns: 200 },
    );
  });
});

/**
 * `npm run -s fresh-event` (#26): `serverless invoke local` on the bundled 2025 fixture writes no
 * per-model metric, as CloudWatch would accept none of its datapoints; the event it writes, moved
 * to a minute ago, does, through the same handler.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localIngestDependencies } from '../cli/common/local-ingest';
import { main } from '../dev/fresh-event';
import { freshEvent, shiftedPayload } from '../dev/lib/fresh-event';
import { createIngestHandler } from '../functions/ingest/ingest';
import { decodeLambdaEvent } from '../shared/ingest/1-decode';
import { context, fixturePath, line, makeRecord, T0 } from './support/helpers';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const fixture = () =>
  JSON.parse(readFileSync(fixturePath('subscription-lambda-event.json'), 'utf8')) as unknown;

async function ingest(event: unknown, nowMs: number) {
  const lines: string[] = [];
  const handler = createIngestHandler(
    localIngestDependencies({}, { emit: (l) => lines.push(l), writeLog: () => undefined, now: () => nowMs }),
  );
  const summary = await handler(event, context);
  return { summary, modelIds: lines.flatMap((l) => (JSON.parse(l) as { ModelId?: string }).ModelId ?? []) };
}

describe('fresh-event, for serverless invoke local', () => {
  it('the bundled fixture, as it is, writes no per-model metric: its records are outside the window', async () => {
    const { summary, modelIds } = await ingest(fixture(), NOW);

    expect(summary).toMatchObject({
      received: 3,
      accepted: 0,
      rejectedByReason: { 'outside-time-window': 3 },
    });
    expect(modelIds).toEqual([]);
  });

  it('moved to a minute ago, every record is accepted and each model gets its metrics', async () => {
    const { summary, modelIds } = await ingest(freshEvent(fixture(), NOW), NOW);

    expect(summary).toMatchObject({ received: 3, accepted: 3, rejected: 0 });
    expect(modelIds.sort()).toEqual([
      'amazon.nova-lite-v1:0',
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'anthropic.claude-3-haiku-20240307-v1:0',
    ]);
  });

  it('changes only the times: the newest record a minute before now, the spacing kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 86_400_000 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 400 * 86_400_000 }),
        (offsets, ahead) => {
          const times = offsets.map((o) => Math.floor((T0 + o) / 1000) * 1000);
          const payload = {
            messageType: 'DATA_MESSAGE' as const,
            owner: '123456789012',
            logGroup: 'g',
            logStream: 's',
            logEvents: [
              ...times.map((t, i) => ({
                id: String(i),
                timestamp: t + 5000,
                message: line(makeRecord({ time: t })),
              })),
              { id: 'x', timestamp: T0, message: 'Permissions are correctly set for Amazon Bedrock logs.' },
            ],
          };
          const now = T0 + ahead;

          const moved = shiftedPayload(payload, now);
          const shift = (moved.logEvents[0]?.timestamp ?? 0) - (payload.logEvents[0]?.timestamp ?? 0);
          const movedTimes = moved.logEvents
            .slice(0, -1)
            .map((e) => Date.parse(JSON.parse(e.message as string).timestamp));

          expect(movedTimes).toEqual(times.map((t) => t + shift));
          expect(Math.max(...movedTimes)).toBeLessThanOrEqual(now - 60_000);
          expect(Math.max(...movedTimes)).toBeGreaterThan(now - 61_000);
          expect(moved.logEvents.at(-1)).toEqual(payload.logEvents.at(-1));
          moved.logEvents.slice(0, -1).forEach((e, i) => {
            const { timestamp: _a, ...rest } = JSON.parse(e.message as string);
            const { timestamp: _b, ...was } = JSON.parse(payload.logEvents[i]?.message ?? '{}');
            expect(rest).toEqual(was);
          });
        },
      ),
    );
  });

  it('writes the moved event the function decodes, and says in one line when the input is no event', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bw-fresh-event-')), 'event.json');
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => stderr.push(s) > 0) as typeof process.stderr.write;
    let bad: number;
    try {
      expect(main(['--out', out, '--now', '2026-12-07T12:00:00Z'])).toBe(0);
      bad = main([fixturePath('bedrock-invocation-records.jsonl')]);
    } finally {
      process.stderr.write = write;
    }

    const records = decodeLambdaEvent(JSON.parse(readFileSync(out, 'utf8'))).logEvents.map(
      (e) => JSON.parse(e.message as string).timestamp,
    );
    expect(records.at(-1)).toBe('2026-12-07T11:59:00Z');
    expect(bad).toBe(2);
    expect(stderr.join('')).toMatch(/^fresh-event: .*bedrock-invocation-records\.jsonl is not JSON/);
  });
});

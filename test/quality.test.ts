import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runReplay } from '../cli/replay/run';
import { METRIC, QUALITY_PROPERTIES } from '../shared/contract/metrics';
import { parseInvocationRecord } from '../shared/ingest/2-parse';
import { isEmptyAnswer, readQuality, stopClassOf, stopReasonOf } from '../shared/ingest/quality';
import { fixtureLines, fixturePath } from './support/helpers';

interface Expected {
  shape: string;
  stopReason: string | null;
  stopClass: string | null;
  guardrail: boolean;
  empty: boolean;
}

const RECORDS = 'quality-records.jsonl';
const expected = JSON.parse(readFileSync(fixturePath('quality-expected.json'), 'utf8')) as Record<
  string,
  Expected
>;
const records = fixtureLines(RECORDS).map((l) => ({
  line: l,
  record: JSON.parse(l) as Record<string, unknown>,
}));
const NOW = Date.parse('2025-06-12T15:00:00Z');
/** The answer text every fixture body carries: it must never leave the parser. */
const ANSWER = 'QUALITY_FIXTURE_ANSWER';

const cases = records.map(({ line, record }) => {
  const want = expected[String(record.requestId)];
  if (!want) throw new Error(`no expectation for ${String(record.requestId)}`);
  return { shape: want.shape, line, want, modelId: String(record.modelId) };
});

describe('quality fields, one fixture per body shape (events/fixtures/quality-records.jsonl)', () => {
  it('has an expectation for every fixture record and a record for every expectation', () => {
    expect(cases).toHaveLength(Object.keys(expected).length);
    expect(new Set(cases.map((c) => c.shape)).size).toBe(cases.length);
  });

  it.each(cases)('$shape: stop reason, its class, guardrail and empty answer', ({ line, want }) => {
    const result = parseInvocationRecord(line, { nowMs: NOW });
    if (!result.ok) throw new Error(`rejected: ${result.rejection.reason}`);
    const inv = result.invocation;

    expect(inv.stopReason ?? null).toBe(want.stopReason);
    expect(inv.stopClass ?? null).toBe(want.stopClass);
    expect(inv.guardrailIntervened === true).toBe(want.guardrail);
    expect(isEmptyAnswer(inv)).toBe(want.empty);
    expect(JSON.stringify(inv)).not.toContain(ANSWER);
  });
});

describe('stop reason classes', () => {
  it.each([
    ['max_tokens', 'truncated'],
    ['length', 'truncated'],
    ['LENGTH', 'truncated'],
    ['MAX_TOKENS', 'truncated'],
    ['guardrail_intervened', 'guardrail'],
    ['content_filtered', 'content-filtered'],
    ['CONTENT_FILTERED', 'content-filtered'],
    ['content_filter', 'content-filtered'],
    ['end_turn', 'complete'],
    ['FINISHED', 'complete'],
    ['stop', 'complete'],
    ['malformed_model_output', 'other'],
  ])('%s is %s', (reason, cls) => {
    expect(stopClassOf(reason)).toBe(cls);
  });

  it('reads a trace that did not intervene as no intervention', () => {
    const body = { stopReason: 'end_turn', trace: { guardrail: { actionReason: 'No action.' } } };

    expect(readQuality(body)).toEqual({ stopReason: 'end_turn', guardrailIntervened: false });
  });

  it('never throws on any JSON body and returns only a short word as stop reason (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const facts = readQuality(body);
        if (facts.stopReason !== undefined) expect(facts.stopReason).toMatch(/^[A-Za-z_]{1,64}$/);
        expect(typeof facts.guardrailIntervened).toBe('boolean');
      }),
    );
  });

  it('ignores a stop reason that is not a short word (it could be text)', () => {
    expect(stopReasonOf({ stop_reason: 'the user said: hello there' })).toBeUndefined();
  });
});

describe('replay of the quality fixtures', () => {
  const replayed = runReplay({
    paths: [fixturePath(RECORDS)],
    writeLog: () => undefined,
    onWarning: () => undefined,
  });

  it('shows exact truncated, guardrail, content-filtered and empty figures per model', async () => {
    const { summary } = await replayed;
    const want = new Map<string, { truncated: number; guardrail: number; filtered: number; empty: number }>();
    for (const c of cases) {
      const w = want.get(c.modelId) ?? { truncated: 0, guardrail: 0, filtered: 0, empty: 0 };
      if (c.want.stopClass === 'truncated') w.truncated++;
      if (c.want.guardrail) w.guardrail++;
      if (c.want.stopClass === 'content-filtered') w.filtered++;
      if (c.want.empty) w.empty++;
      want.set(c.modelId, w);
    }

    const got = Object.fromEntries(
      summary.models.map((m) => [
        m.modelId,
        {
          truncated: m.quality.truncatedAnswers,
          guardrail: m.quality.guardrailInterventions,
          filtered: m.quality.contentFilteredAnswers,
          empty: m.quality.emptyAnswers,
        },
      ]),
    );
    expect(got).toEqual(Object.fromEntries(want));
    expect(summary.totals.quality).toMatchObject({
      truncatedAnswers: 10,
      guardrailInterventions: 3,
      contentFilteredAnswers: 2,
      emptyAnswers: 1,
      truncatedPct: 47.62,
    });
    const haiku = summary.models.find((m) => m.modelId === 'anthropic.claude-3-haiku-20240307-v1:0');
    // Four calls: two truncated (Converse and stream), one complete, one throttled without a body.
    expect(haiku?.quality).toMatchObject({ truncatedAnswers: 2, truncatedPct: 50, guardrailPct: 0 });
  });

  it('writes truncations and interventions as metrics, content-filtered and empty answers as plain properties', async () => {
    const { emf } = await replayed;
    const docs = emf.map(
      (l) =>
        JSON.parse(l) as Record<string, unknown> & {
          _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
        },
    );
    const declared = new Set(
      docs.flatMap((d) => d._aws.CloudWatchMetrics.flatMap((c) => c.Metrics.map((m) => m.Name))),
    );
    const sum = (name: string) =>
      docs.reduce((a, d) => a + (typeof d[name] === 'number' ? (d[name] as number) : 0), 0);

    expect(declared).toContain(METRIC.truncatedAnswers.name);
    expect(declared).toContain(METRIC.guardrailInterventions.name);
    expect(declared).not.toContain(QUALITY_PROPERTIES.contentFilteredAnswers);
    expect(declared).not.toContain(QUALITY_PROPERTIES.emptyAnswers);
    expect(sum(METRIC.truncatedAnswers.name)).toBe(10);
    expect(sum(METRIC.guardrailInterventions.name)).toBe(3);
    expect(sum(QUALITY_PROPERTIES.contentFilteredAnswers)).toBe(2);
    expect(sum(QUALITY_PROPERTIES.emptyAnswers)).toBe(1);
    expect(emf.join('\n')).not.toContain(ANSWER);
  });
});

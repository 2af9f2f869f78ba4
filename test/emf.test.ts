import { describe, expect, it } from 'vitest';
import { emfProblems } from '../cli/common/emf-validator';
import { readEmfSeries, seriesKey } from '../shared/analysis/emf-reader';
import { summariseAttribution } from '../shared/analysis/summary';
import { ERROR_METRICS, METRIC, METRIC_SETS, MODEL_COUNTERS } from '../shared/contract/metrics';
import {
  type AttributionMinuteBucket,
  type ModelMinuteBucket,
  zeroErrors,
} from '../shared/ingest/7-aggregate';
import { toAttributionLines, toBudgetEmfDocuments, toEmfDocuments } from '../shared/ingest/8-emf';
import { T0 } from './support/helpers';

const options = { namespace: 'BedrockWatch', service: 'bedrock-watch' };

const bucket = (overrides: Partial<ModelMinuteBucket> = {}): ModelMinuteBucket => ({
  minuteStartMs: T0,
  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  invocations: 3,
  errors: { ...zeroErrors(), Throttling: 1 },
  inputTokens: 120,
  outputTokens: 60,
  cacheReadInputTokens: 7,
  cacheWriteInputTokens: 3,
  latencyMs: [800, 900],
  timeToFirstTokenMs: [250],
  latencyUnavailable: 1,
  costUsd: 0.1 + 0.2,
  pricedInvocations: 2,
  unpricedInvocations: 0,
  truncatedAnswers: 0,
  guardrailInterventions: 0,
  contentFilteredAnswers: 0,
  emptyAnswers: 0,
  feedbackScores: [],
  ...overrides,
});

const parse = (doc: string) =>
  JSON.parse(doc) as Record<string, unknown> & {
    _aws: {
      Timestamp: number;
      CloudWatchMetrics: {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit: string }[];
      }[];
    };
  };

describe('toEmfDocuments', () => {
  it('writes one valid document per bucket, at the minute start, under ModelId and all-models sets', () => {
    const [doc, ...rest] = toEmfDocuments([bucket()], options);

    expect(rest).toHaveLength(0);
    expect(doc as string).toBeValidEmf();
    const parsed = parse(doc as string);
    expect(parsed._aws.Timestamp).toBe(T0);
    expect(parsed._aws.CloudWatchMetrics[0]?.Namespace).toBe('BedrockWatch');
    expect(parsed._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'ModelId'], ['service']]);
    expect(parsed).toMatchObject({
      service: 'bedrock-watch',
      ModelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      Invocations: 3,
      InputTokens: 120,
      OutputTokens: 60,
      CacheReadInputTokens: 7,
      CacheWriteInputTokens: 3,
      ThrottlingErrors: 1,
      LatencyUnavailable: 1,
      CostUSD: 0.3,
      Latency: [800, 900],
      TimeToFirstToken: [250],
    });
  });

  it('leaves zero counters out (CloudWatch bills every metric that gets data; consumers FILL gaps)', () => {
    const doc = parse(toEmfDocuments([bucket()], options)[0] as string);

    for (const name of [
      'TimeoutErrors',
      'ValidationErrors',
      'AuthErrors',
      'ModelErrors',
      'ServerErrors',
      'UnpricedInvocations',
    ]) {
      expect(doc[name], name).toBeUndefined();
      expect(doc._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name))).not.toContain(name);
    }
  });

  it('declares the contract units', () => {
    const everyCounter = bucket({
      errors: { Throttling: 1, Timeout: 1, Validation: 1, Auth: 1, Model: 1, Server: 1 },
      unpricedInvocations: 1,
      truncatedAnswers: 1,
      guardrailInterventions: 1,
    });

    const units = Object.fromEntries(
      parse(toEmfDocuments([everyCounter], options)[0] as string)._aws.CloudWatchMetrics.flatMap((d) =>
        d.Metrics.map((m) => [m.Name, m.Unit]),
      ),
    );

    for (const m of MODEL_COUNTERS) expect(units[m.name]).toBe('Count');
    expect(units).toMatchObject({
      CostUSD: 'None',
      Latency: 'Milliseconds',
      TimeToFirstToken: 'Milliseconds',
    });
  });

  it('splits more than 100 latency values into further documents with the same timestamp', () => {
    const latencyMs = Array.from({ length: 250 }, (_, i) => i + 1);
    const timeToFirstTokenMs = Array.from({ length: 120 }, (_, i) => i + 1000);

    const docs = toEmfDocuments([bucket({ latencyMs, timeToFirstTokenMs, invocations: 250 })], options);

    expect(docs).toHaveLength(3);
    for (const doc of docs) expect(doc).toBeValidEmf();
    const parsed = docs.map(parse);
    expect(parsed.map((d) => d._aws.Timestamp)).toEqual([T0, T0, T0]);
    expect(parsed.map((d) => (d.Latency as number[]).length)).toEqual([100, 100, 50]);
    expect(parsed.map((d) => (d.TimeToFirstToken as number[] | undefined)?.length)).toEqual([
      100,
      20,
      undefined,
    ]);
    // Counters are written once, so sums stay right.
    expect(parsed.map((d) => d.Invocations)).toEqual([250, undefined, undefined]);
    const series = readEmfSeries(docs);
    const dims = { service: 'bedrock-watch', ModelId: 'anthropic.claude-3-haiku-20240307-v1:0' };
    expect(series.get(seriesKey('BedrockWatch', 'Latency', dims))?.values).toEqual(latencyMs);
    expect(series.get(seriesKey('BedrockWatch', 'Latency', { service: 'bedrock-watch' }))?.values).toEqual(
      latencyMs,
    );
    expect(series.get(seriesKey('BedrockWatch', 'Invocations', dims))?.values).toEqual([250]);
  });

  it('omits CostUSD when nothing in the bucket could be priced', () => {
    const doc = parse(
      toEmfDocuments(
        [bucket({ pricedInvocations: 0, unpricedInvocations: 2, costUsd: 0 })],
        options,
      )[0] as string,
    );

    expect(doc.CostUSD).toBeUndefined();
    expect(doc.UnpricedInvocations).toBe(2);
    expect(doc._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name))).not.toContain('CostUSD');
  });

  it('writes no cost for a bucket of failed calls only (nothing was billed)', () => {
    const doc = parse(
      toEmfDocuments(
        [bucket({ pricedInvocations: 0, unpricedInvocations: 0, costUsd: 0 })],
        options,
      )[0] as string,
    );

    expect(doc.CostUSD).toBeUndefined();
    expect(doc.Invocations).toBe(3);
  });

  it('writes CostUSD 0 for a minute whose only priced call had no tokens (defect 6)', () => {
    const doc = parse(
      toEmfDocuments(
        [bucket({ pricedInvocations: 1, unpricedInvocations: 0, costUsd: 0 })],
        options,
      )[0] as string,
    );

    expect(doc.CostUSD).toBe(0);
    expect(doc._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name))).toContain('CostUSD');
  });

  it('never writes a non-finite or out-of-range value, whatever reaches it (defect 2)', () => {
    const docs = toEmfDocuments(
      [
        bucket({ costUsd: Number.POSITIVE_INFINITY }),
        bucket({
          minuteStartMs: T0 + 60_000,
          costUsd: 9.99e197,
          latencyMs: [1e300, 5],
          timeToFirstTokenMs: [1e120],
        }),
      ],
      options,
    );

    for (const doc of docs) expect(doc).toBeValidEmf();
    expect(docs.map((d) => parse(d).CostUSD)).toEqual([undefined, undefined]);
    expect(parse(docs[1] as string).Latency).toEqual([5]);
    expect(parse(docs[1] as string).TimeToFirstToken).toBeUndefined();
  });

  it('stays far below 256 KB with a 1024-character model id and 100 values', () => {
    const docs = toEmfDocuments(
      [
        bucket({
          modelId: 'm'.repeat(1024),
          latencyMs: Array(100).fill(999_999),
          timeToFirstTokenMs: Array(100).fill(999_999),
        }),
      ],
      options,
    );

    expect(docs).toHaveLength(1);
    expect(docs[0] as string).toBeValidEmf();
    expect(Buffer.byteLength(docs[0] as string)).toBeLessThan(8 * 1024);
  });
});

describe('the metric sets', () => {
  const everything = bucket({
    errors: { Throttling: 1, Timeout: 1, Validation: 1, Auth: 1, Model: 1, Server: 1 },
    unpricedInvocations: 1,
    truncatedAnswers: 1,
    guardrailInterventions: 1,
    feedbackScores: [0.5],
  });
  const seriesOf = (set: (typeof METRIC_SETS)[number]) =>
    [...readEmfSeries(toEmfDocuments([everything], { ...options, metricSet: set })).values()].map(
      (s) => `${s.name}[${Object.keys(s.dimensions).sort().join(',')}]`,
    );

  it('publishes each metric under exactly the scopes the contract gives it in each set', () => {
    for (const set of METRIC_SETS) {
      const series = seriesOf(set);
      for (const metric of [...Object.values(METRIC), ...Object.values(ERROR_METRICS)]) {
        if (metric === METRIC.errors) continue;
        expect(series.includes(`${metric.name}[ModelId,service]`), `${set} ${metric.name} per model`).toBe(
          metric.sets[set].includes('model'),
        );
        expect(series.includes(`${metric.name}[service]`), `${set} ${metric.name} all models`).toBe(
          metric.sets[set].includes('all'),
        );
      }
    }
  });

  it('essential leaves to AWS/Bedrock what it publishes per model: only cost (and opt-in feedback) stays per model', () => {
    const perModel = seriesOf('essential').filter((s) => s.endsWith('[ModelId,service]'));
    expect(perModel.sort()).toEqual(['CostUSD[ModelId,service]', 'FeedbackScore[ModelId,service]']);
    // Everything essential publishes, complete publishes too.
    expect(seriesOf('complete')).toEqual(expect.arrayContaining(seriesOf('essential')));
  });

  it('keeps every per-model value in the model document, whichever series a set publishes, for replay', () => {
    for (const set of METRIC_SETS) {
      const doc = parse(toEmfDocuments([everything], { ...options, metricSet: set })[0] as string);
      expect(doc.ModelId).toBe(everything.modelId);
      expect(doc.LatencyUnavailable, set).toBe(1);
      expect(doc.UnpricedInvocations, set).toBe(1);
    }
  });

  it('writes valid EMF with one directive per group of dimension sets', () => {
    for (const doc of toEmfDocuments([everything], { ...options, metricSet: 'essential' }))
      expect(doc).toBeValidEmf();
  });
});

describe('attribution lines', () => {
  const team = (overrides: Partial<AttributionMinuteBucket> = {}): AttributionMinuteBucket => ({
    minuteStartMs: T0,
    dimension: 'team',
    value: 'search',
    modelId: 'm',
    invocations: 3,
    inputTokens: 100,
    outputTokens: 50,
    errors: 1,
    costUsd: 0.25,
    pricedInvocations: 2,
    latencyMs: [100, 200],
    ...overrides,
  });

  it('writes one compact JSON line per minute, value and model, with no EMF directive', () => {
    const [line, ...rest] = toAttributionLines([team()], options);
    expect(rest).toEqual([]);
    expect(JSON.parse(line as string)).toEqual({
      bedrockWatch: 'attribution',
      Timestamp: T0,
      service: 'bedrock-watch',
      team: 'search',
      ModelId: 'm',
      Invocations: 3,
      InputTokens: 100,
      OutputTokens: 50,
      Errors: 1,
      Tokens: 150,
      CostUSD: 0.25,
      LatencyP50: 100,
      LatencyP95: 200,
      LatencyMax: 200,
      Latency: [100, 200],
    });
  });

  it('splits latency values beyond 1,000 into further lines that replay adds back up', () => {
    const latencyMs = Array.from({ length: 2500 }, (_, i) => i + 1);
    const lines = toAttributionLines([team({ latencyMs, invocations: 2500 })], options);
    expect(lines).toHaveLength(3);
    const summary = summariseAttribution(lines, 'BedrockWatch', { team: 'team' });
    expect(summary.team?.[0]).toMatchObject({ value: 'search', invocations: 2500, costUsd: 0.25 });
    expect(summary.team?.[0]?.latencyMs.count).toBe(2500);
  });

  it('gives only budgeted values a cost series, summed over their models', () => {
    const buckets = [team(), team({ modelId: 'n', costUsd: 0.5 }), team({ value: 'ads' })];
    const docs = toBudgetEmfDocuments(buckets, new Map([['team', new Set(['search'])]]), options);
    const series = [...readEmfSeries(docs).values()];
    expect(series).toEqual([
      {
        namespace: 'BedrockWatch',
        name: 'CostUSD',
        unit: 'None',
        dimensions: { service: 'bedrock-watch', team: 'search' },
        values: [0.75],
      },
    ]);
    expect(toBudgetEmfDocuments(buckets, new Map(), options)).toEqual([]);
  });
});

describe('emfProblems (the validator the tests rely on)', () => {
  it('flags what CloudWatch would drop', () => {
    const good = toEmfDocuments([bucket()], options)[0] as string;
    const doc = JSON.parse(good);

    expect(emfProblems(JSON.stringify({ ...doc, Latency: Array(101).fill(1) }))).toContain(
      'Latency: 101 values',
    );
    expect(emfProblems(JSON.stringify({ ...doc, ModelId: 'ünï' }))).toContain(
      'dimension ModelId value is not 1-1024 printable ASCII',
    );
    expect(emfProblems(JSON.stringify({ ...doc, Invocations: -1 }))).toContain('Invocations: bad value -1');
    expect(emfProblems(JSON.stringify({ ...doc, _aws: { ...doc._aws, Timestamp: '1' } }))).toContain(
      '_aws.Timestamp is not epoch milliseconds',
    );
    expect(emfProblems('nope')).toEqual(['not JSON']);
  });

  it("enforces CloudWatch's value range: magnitudes from 8.515920e-109 to 1.174271e+108, and 0 (defect 1)", () => {
    const doc = JSON.parse(toEmfDocuments([bucket()], options)[0] as string);
    const problemsWith = (latency: number[]) => emfProblems(JSON.stringify({ ...doc, Latency: latency }));

    const huge = problemsWith([1e300]);
    const large = problemsWith([1e120]);
    const tiny = problemsWith([1e-200]);
    const fine = problemsWith([0, 1.174271e108, 8.51592e-109, 12]);

    expect(huge).toContain("Latency: value 1e+300 is outside CloudWatch's range");
    expect(large).toContain("Latency: value 1e+120 is outside CloudWatch's range");
    expect(tiny).toContain("Latency: value 1e-200 is outside CloudWatch's range");
    expect(fine).toEqual([]);
  });
});

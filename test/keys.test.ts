/**
 * Defect 3: grouping keys once joined their parts with `|` (and the series key with `k=v,`), so
 * values holding the separator merged groups that must stay apart.
 */
import { describe, expect, it } from 'vitest';
import { readEmfSeries, seriesKey } from '../shared/analysis/emf-reader';
import type { Invocation } from '../shared/ingest/2-parse';
import { createPriceTable, priceInvocation } from '../shared/ingest/5-price';
import { aggregateAttribution } from '../shared/ingest/7-aggregate';
import { ingestBatch } from '../shared/ingest/batch';
import { tupleKey } from '../shared/keys';
import { invocationOf, line, makeRecord, priceTable, T0 } from './support/helpers';

const emf = { namespace: 'BedrockWatch', service: 'bedrock-watch' };

describe('tupleKey', () => {
  it('keeps tuples apart whatever separators their parts contain', () => {
    expect(tupleKey('x|y', 'm')).not.toBe(tupleKey('x', 'y|m'));
    expect(tupleKey('a,b=c', 'd')).not.toBe(tupleKey('a', 'b=c,d'));
    expect(tupleKey(1, 'a')).toBe(tupleKey(1, 'a'));
  });
});

describe('aggregateAttribution', () => {
  it('keeps team "x|y" on model "m" apart from team "x" on model "y|m"', () => {
    const calls: [Invocation, string][] = [
      [invocationOf('m'), 'x|y'],
      [invocationOf('y|m'), 'x'],
    ];
    const team = new Map(calls);

    const buckets = aggregateAttribution(
      calls.map(([inv]) => inv),
      (inv) => priceInvocation(inv, priceTable),
      (inv) => ({ team: team.get(inv) as string }),
    );

    expect(buckets.map((b) => [b.value, b.modelId, b.invocations])).toEqual([
      ['x', 'y|m', 1],
      ['x|y', 'm', 1],
    ]);
  });
});

describe('createPriceTable and the batch price-rule cache', () => {
  const table = createPriceTable({
    prices: [{ modelId: 'r|p', region: 'q', input: 1, output: 1 }],
  });

  it('does not find the price of model "r|p" in region "q" for model "p" in region "q|r"', () => {
    expect(table.lookup('p', 'q|r')).toBeUndefined();
  });

  it('prices model "a|b" in region "c" and model "a" in region "b|c" by their own rules', () => {
    const overlay = createPriceTable({ prices: [{ modelId: 'a|b', region: 'c', input: 1, output: 1 }] });
    const records = [
      { ...makeRecord({ time: T0, modelId: 'a|b', region: 'c' }) },
      { ...makeRecord({ time: T0, modelId: 'a', region: 'b|c' }) },
    ];

    const result = ingestBatch(
      {
        messageType: 'DATA_MESSAGE',
        logEvents: records.map((r, i) => ({ id: String(i), timestamp: T0, message: line(r) })),
      },
      { nowMs: T0, priceTable: overlay, emf },
    );

    const byModel = new Map(result.buckets.map((b) => [b.modelId, b]));
    expect(byModel.get('a|b')?.pricedInvocations).toBe(1);
    expect(byModel.get('a')?.pricedInvocations).toBe(0);
    expect(byModel.get('a')?.unpricedInvocations).toBe(1);
  });
});

describe('seriesKey and readEmfSeries', () => {
  it('keeps a team value that spells out dimensions apart from the model series it imitates', () => {
    const attribution = { service: 'bedrock-watch', team: 'x,service=bedrock-watch', ModelId: 'm' };
    const model = { service: 'bedrock-watch', ModelId: 'm,service=bedrock-watch,team=x' };
    const doc = (dims: Record<string, string>, value: number) =>
      JSON.stringify({
        _aws: {
          Timestamp: T0,
          CloudWatchMetrics: [
            {
              Namespace: 'BedrockWatch',
              Dimensions: [Object.keys(dims)],
              Metrics: [{ Name: 'Invocations' }],
            },
          ],
        },
        ...dims,
        Invocations: value,
      });

    const series = readEmfSeries([doc(attribution, 1), doc(model, 2)]);

    expect(seriesKey('BedrockWatch', 'Invocations', attribution)).not.toBe(
      seriesKey('BedrockWatch', 'Invocations', model),
    );
    expect([...series.values()].map((s) => [s.dimensions, s.values])).toEqual([
      [attribution, [1]],
      [model, [2]],
    ]);
  });
});

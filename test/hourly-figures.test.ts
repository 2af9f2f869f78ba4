import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { storeGetMetricData } from '../cli/simulate/hourly';
import { createMonthToDateHandler } from '../functions/month-to-date/handler';
import {
  hourlyDocuments,
  hourlyQueries,
  settledHourEnd,
  tokenFigures,
} from '../functions/month-to-date/hourly';
import { parseHourlySettings } from '../shared/alerts/hourly-settings';
import { MetricStore } from '../shared/analysis/metric-store';
import { context } from './support/helpers';

const cloudwatch = mockClient(CloudWatchClient);
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOW = Date.parse('2026-11-16T12:05:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SETTINGS = { costScopes: [{ ModelId: HAIKU }], tokenScopes: [{}], baselineDays: 7 };

/** Hourly sums of one token query by period start. */
const sums = (entries: [number, number][]) => new Map([['t0_0', new Map(entries)]]);

describe('hourly figures (month-to-date function)', () => {
  beforeEach(() => cloudwatch.reset());

  it('asks for each budget scope since the month start, and for the tokens of the last settled hour and the baseline days', () => {
    const [cost, tokens] = hourlyQueries('BedrockWatch', 'bedrock-watch', SETTINGS, NOW);

    expect(cost?.StartTime?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(cost?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'service', Value: 'bedrock-watch' },
      { Name: 'ModelId', Value: HAIKU },
    ]);
    // At 12:05 the hour 11:00-12:00 is not yet settled (10 minutes): the last hour is 10:00-11:00.
    expect(tokens?.EndTime?.toISOString()).toBe('2026-11-16T11:00:00.000Z');
    expect(tokens?.StartTime?.toISOString()).toBe('2026-11-09T10:00:00.000Z');
    expect(tokens?.MetricDataQueries?.map((q) => q.MetricStat?.Metric?.MetricName)).toEqual([
      'InputTokens',
      'CacheWriteInputTokens',
      'OutputTokens',
    ]);
  });

  it('averages the same hour over the previous days that had traffic then', () => {
    const start = settledHourEnd(NOW) - HOUR;

    const figures = tokenFigures(
      sums([
        [start, 1500],
        [start - DAY, 1000],
        [start - 2 * DAY, 800],
        [start - 4 * DAY, 1200],
        [start - DAY + HOUR, 99_999],
      ]),
      0,
      7,
      NOW,
    );

    expect(figures).toEqual({ lastHour: 1500, baseline: 1000 });
  });

  it('publishes no baseline with fewer than three previous days of traffic in that hour', () => {
    const start = settledHourEnd(NOW) - HOUR;
    const twoDays = sums([
      [start, 1500],
      [start - DAY, 1000],
      [start - 2 * DAY, 800],
    ]);

    const figures = tokenFigures(twoDays, 0, 7, NOW);

    expect(figures).toEqual({ lastHour: 1500 });
  });

  it('writes valid EMF per scope: month to date with its projection, last-hour tokens with their baseline', () => {
    const start = settledHourEnd(NOW) - HOUR;
    const page = {
      $metadata: {},
      MetricDataResults: [
        { Id: 'c0', Timestamps: [new Date(NOW - 2 * HOUR)], Values: [7.5] },
        {
          Id: 't0_0',
          Timestamps: [start, start - DAY, start - 2 * DAY, start - 3 * DAY].map((t) => new Date(t)),
          Values: [3000, 1000, 1000, 1000],
        },
      ],
    };

    const docs = hourlyDocuments('BedrockWatch', 'bedrock-watch', SETTINGS, [page], NOW, () => 0.5);

    for (const doc of docs) expect(doc).toBeValidEmf();
    expect(JSON.parse(docs[0] ?? '{}')).toMatchObject({ ModelId: HAIKU, MonthToDateCostUSD: 8 });
    expect(JSON.parse(docs[1] ?? '{}')).toMatchObject({ TokensLastHour: 3000, TokensBaseline: 1000 });
    expect(JSON.parse(docs[1] ?? '{}')._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
  });

  it('runs after the all-models figure in the handler, provisioned hours added to the model that has them', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'c0', Values: [] }] });
    const lines: string[] = [];
    const handler = createMonthToDateHandler({
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      namespace: 'BedrockWatch',
      service: 'bedrock-watch',
      provisionedHourlyUsd: [],
      provisionedByModel: { [HAIKU]: 2 },
      hourly: { ...SETTINGS, tokenScopes: [] },
      now: () => Date.parse('2026-11-02T00:00:00Z'),
      logger: new Logger({ logLevel: 'SILENT' }),
      emit: (l) => lines.push(l),
    });

    await handler({}, context);

    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ ModelId: HAIKU, MonthToDateCostUSD: 48 });
  });

  it('reads its settings back from the environment the deploy writes, and refuses anything else', () => {
    expect(parseHourlySettings(JSON.stringify(SETTINGS))).toEqual(SETTINGS);
    expect(() => parseHourlySettings('{"costScopes": 1}')).toThrow('BEDROCK_WATCH_HOURLY: expected');
  });
});

describe('storeGetMetricData (the simulator answering the hourly function)', () => {
  it('sums each period of a series from the values visible at the time of the call', () => {
    const store = new MetricStore();
    const id = { namespace: 'BedrockWatch', name: 'CostUSD', dimensions: { service: 'bedrock-watch' } };
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    store.put(id, t0 + 60_000, t0 + 120_000, 'None', [1, 2]);
    store.put(id, t0 + HOUR + 60_000, t0 + HOUR + 120_000, 'None', [4]);
    store.put(id, t0 + HOUR + 120_000, t0 + 3 * HOUR, 'None', [8]);

    const output = storeGetMetricData(
      store,
      {
        StartTime: new Date(t0),
        EndTime: new Date(t0 + 2 * HOUR),
        MetricDataQueries: [
          {
            Id: 'c',
            MetricStat: {
              Metric: {
                Namespace: 'BedrockWatch',
                MetricName: 'CostUSD',
                Dimensions: [{ Name: 'service', Value: 'bedrock-watch' }],
              },
              Period: 3600,
              Stat: 'Sum',
            },
          },
        ],
      },
      t0 + 2 * HOUR,
    );

    expect(output.MetricDataResults?.[0]?.Values).toEqual([3, 4]);
    expect(output.MetricDataResults?.[0]?.Timestamps).toEqual([new Date(t0), new Date(t0 + HOUR)]);
  });
});

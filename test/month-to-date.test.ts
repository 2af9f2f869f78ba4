import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMonthToDateHandler } from '../functions/month-to-date/handler';
import {
  monthStartUtc,
  monthToDateDocument,
  monthToDateQuery,
  provisionedCostSoFar,
  sumCost,
} from '../functions/month-to-date/month-to-date';
import { context } from './support/helpers';

const cloudwatch = mockClient(CloudWatchClient);
const NOW = Date.parse('2026-11-16T00:00:00Z');

describe('month-to-date function', () => {
  beforeEach(() => cloudwatch.reset());

  it('starts the month at 00:00 UTC on the first', () => {
    expect(new Date(monthStartUtc(NOW)).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(new Date(monthStartUtc(Date.parse('2026-12-31T23:59:59Z'))).toISOString()).toBe(
      '2026-12-01T00:00:00.000Z',
    );
  });

  it('asks for the all-models CostUSD, hourly sums since the first of the month', () => {
    const q = monthToDateQuery('BedrockWatch', 'bedrock-watch', NOW);

    expect(q.StartTime?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(q.EndTime?.toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(q.MetricDataQueries?.[0]?.MetricStat).toEqual({
      Metric: {
        Namespace: 'BedrockWatch',
        MetricName: 'CostUSD',
        Dimensions: [{ Name: 'service', Value: 'bedrock-watch' }],
      },
      Period: 3600,
      Stat: 'Sum',
    });
  });

  it('projects the month linearly and writes valid EMF', () => {
    // 15 of November's 30 days are over: $12 so far projects to $24.
    const doc = monthToDateDocument('BedrockWatch', 'bedrock-watch', NOW, 12);

    expect(doc).toBeValidEmf();
    expect(JSON.parse(doc)).toMatchObject({
      MonthToDateCostUSD: 12,
      ProjectedMonthCostUSD: 24,
      service: 'bedrock-watch',
    });
  });

  it('follows every page of GetMetricData and publishes the sum', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'cost', Values: [1.5, 2.25] }], NextToken: 'page-2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'cost', Values: [0.25] }] });
    const lines: string[] = [];
    const handler = createMonthToDateHandler({
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      namespace: 'BedrockWatch',
      service: 'bedrock-watch',
      provisionedHourlyUsd: [],
      now: () => NOW,
      logger: new Logger({ logLevel: 'SILENT' }),
      emit: (l) => lines.push(l),
    });

    const result = await handler({}, context);

    expect(result).toEqual({ costUsd: 4 });
    expect(cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
    ]);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ MonthToDateCostUSD: 4, ProjectedMonthCostUSD: 8 });
  });

  it('writes the provisioned part only when there is one (no series billed at 0 every hour)', () => {
    const doc = JSON.parse(monthToDateDocument('BedrockWatch', 'bedrock-watch', NOW, 100));
    const names = doc._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name);

    expect(names).toEqual(['MonthToDateCostUSD', 'ProjectedMonthCostUSD']);
    expect(doc).not.toHaveProperty('MonthToDateProvisionedUSD');
  });

  it('adds the configured hourly cost of provisioned models for the hours of the month so far', () => {
    // 15 days = 360 hours at $2 + $0.5 an hour.
    const provisioned = provisionedCostSoFar([2, 0.5], NOW);
    const doc = JSON.parse(monthToDateDocument('BedrockWatch', 'bedrock-watch', NOW, 100, 900));

    expect(provisioned).toBe(900);
    expect(doc).toMatchObject({
      MonthToDateCostUSD: 1000,
      ProjectedMonthCostUSD: 2000,
      MonthToDateProvisionedUSD: 900,
    });
  });

  it('ignores values that are not finite, non-negative numbers', () => {
    expect(sumCost([{ MetricDataResults: [{ Values: [1, Number.NaN, -2, 0.5] }], $metadata: {} }])).toBe(1.5);
  });
});

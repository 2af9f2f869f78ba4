import { describe, expect, it } from 'vitest';
import { KINESIS_PRICES } from '../dev/lib/bench-capacity';
import { type KinesisSettings, kinesisSettings } from '../dev/lib/bench-kinesis';
import {
  estimateOrganizationBill,
  ORGANIZATION_REFERENCE,
  organizationLines,
  organizationParameters,
} from '../dev/lib/bench-organization';
import { LIST_PRICES } from '../dev/lib/monthly-bill';
import { buildDashboards } from '../shared/monitoring/dashboards';

// The organization stack's Kinesis mapping as packaged (KINESIS_BATCHING.organization).
const SETTINGS: KinesisSettings = kinesisSettings(organizationParameters({ metricSet: 'complete' }));
// Two sampled minutes of each kind keep the test small; the bench samples ten.
const month = (accounts: number, metricSet: 'complete' | 'essential' = 'essential') =>
  estimateOrganizationBill(
    { ...ORGANIZATION_REFERENCE, accounts, metricSet, msPerRecord: 0.05, sampleMinutes: 2 },
    SETTINGS,
  );

describe('the organization month (central monitor)', () => {
  const at20 = month(20);

  it('adds its parts up to the central total, and prices a shard for every hour of the month', () => {
    const sum = Object.values(at20.central).reduce((a, b) => a + b, 0);

    expect(at20.centralUsd).toBeCloseTo(sum, 1);
    expect(at20.shards).toBe(1);
    expect(at20.central.kinesisShardHours).toBeCloseTo(
      LIST_PRICES.hoursPerMonth * KINESIS_PRICES.shardHour,
      2,
    );
    expect(at20.callsPerMonth).toBe(20_000_000);
  });

  it('ranks account and region with rules of their own, and deploys the organization dashboard', () => {
    const params = organizationParameters({ metricSet: 'essential' });
    const ctx = { namePrefix: 'bw', ingestFunctionName: 'f', ingestLogGroupName: 'g', failureQueueName: 'q' };

    expect(params.attributionKeys).toEqual(['caller', 'team', 'account', 'region']);
    // Essential: cost and tokens per key.
    expect(at20.insightRules).toBe(8);
    expect(buildDashboards(params, ctx, []).map((d) => d.key)).toContain('organization');
    expect(at20.dashboards).toBe(4);
    expect(at20.central.dashboards).toBe(3);
  });

  it('adds no metric series per account: the same series at 200 accounts as at 20', () => {
    const at200 = month(200);

    expect(at200.distinctSeries).toBe(at20.distinctSeries);
    expect(at200.central.customMetrics).toBe(at20.central.customMetrics);
    // What does grow: the account lines (one per account and minute); callers and teams are capped.
    expect(at200.attributionLinesPerMonth).toBeGreaterThan(at20.attributionLinesPerMonth);
  });

  it('batches a minute, keeps every account apart, and writes account and region lines for all models', () => {
    expect(SETTINGS.batchSize).toBe(10_000);
    expect(SETTINGS.batchingWindowSeconds).toBe(60);
    const at200 = month(200);
    const minutes = 30 * 24 * 60;
    // No model in the line and a batch a minute: an account (a region) writes about a line a minute,
    // two where a batch straddles a minute, whatever the number of models; the 200 accounts are all
    // kept apart (their cap is 1,000, not attributionMaxValues' 25).
    expect(at200.attributionLinesByKeyPerMonth.account).toBeLessThanOrEqual(2 * 200 * minutes);
    expect(at200.attributionLinesByKeyPerMonth.account).toBeGreaterThan(150 * minutes);
    // Two regions: a handful of lines a minute (a busy minute's latency list continues on more lines).
    expect(at200.attributionLinesByKeyPerMonth.region).toBeLessThan(10 * minutes);
  });

  it('bills each member its own invocation log, the same at any number of accounts', () => {
    expect(at20.memberPerAccount.invocationLogIngestion).toBeGreaterThan(0);
    expect(at20.memberPerAccountUsd).toBeCloseTo(month(40).memberPerAccountUsd, 1);
  });

  it('prints the month with its target and its parts', () => {
    const lines = organizationLines(at20, '<= $60');

    expect(lines[0]).toMatch(
      /^ {2}20 accounts x 2 regions \(20\.0M calls, metricSet essential\): central \$[\d.]+ \(target <= \$60\)/,
    );
    expect(lines.join('\n')).toContain(
      `contributorInsightsEvents $${at20.central.contributorInsightsEvents}`,
    );
  });
});

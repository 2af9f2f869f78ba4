import { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { derivable } from '../cli/simulate/run';
import { alertEnvironments } from '../deploy/stack/alert-environment';
import { ingestNames } from '../deploy/stack/names';
import { reconcileResources } from '../deploy/stack/reconcile';
import {
  billedUsd,
  billQuery,
  costExplorerRegion,
  driftPct,
  reconcileDay,
  reconciliationDocument,
} from '../functions/reconcile/reconcile';
import { createReconcileHandler } from '../functions/reconcile/run';
import { evaluateAlarms } from '../shared/analysis/alarm-evaluator';
import { readEmfSeries } from '../shared/analysis/emf-reader';
import { MetricStore } from '../shared/analysis/metric-store';
import { RECONCILIATION } from '../shared/contract/metrics';
import { buildAlarmDefinitions } from '../shared/monitoring/alarms/index';
import { buildDashboards } from '../shared/monitoring/dashboards/index';
import { parseStackParameters, StackParameterError } from '../shared/monitoring/parameters';
import { context } from './support/helpers';

const NOW = Date.parse('2026-11-27T06:30:00Z');
const names = ingestNames({ service: 'bedrock-watch', stage: 'prod' });

const bill = (groups: [string, string, string][]) => ({
  $metadata: {},
  ResultsByTime: [
    {
      TimePeriod: { Start: '2026-11-25', End: '2026-11-26' },
      Groups: groups.map(([service, region, amount]) => ({
        Keys: [service, region],
        Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } },
      })),
    },
  ],
});

describe('reconcileDay', () => {
  it('takes the closed UTC day two days back', () => {
    expect(reconcileDay(NOW)).toEqual({
      startMs: Date.parse('2026-11-25T00:00:00Z'),
      endMs: Date.parse('2026-11-26T00:00:00Z'),
      date: '2026-11-25',
      nextDate: '2026-11-26',
    });
  });

  it('asks Cost Explorer for that day only, daily, unblended, by service and region', () => {
    const query = billQuery(reconcileDay(NOW));

    expect(query).toMatchObject({
      TimePeriod: { Start: '2026-11-25', End: '2026-11-26' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost'],
      GroupBy: [
        { Type: 'DIMENSION', Key: 'SERVICE' },
        { Type: 'DIMENSION', Key: 'REGION' },
      ],
    });
  });
});

describe('billedUsd', () => {
  it('adds Bedrock and its Marketplace models in the region, and nothing else', () => {
    const pages = [
      bill([
        ['Amazon Bedrock', 'us-east-1', '12.50'],
        ['Claude Sonnet 4.5 (Amazon Bedrock Edition)', 'us-east-1', '30.25'],
        ['Amazon Bedrock', 'eu-central-1', '99'],
        ['Some Marketplace SaaS', 'us-east-1', '1000'],
      ]),
      bill([['Amazon Bedrock', 'us-east-1', '0.25']]),
    ];

    expect(billedUsd(pages, 'us-east-1')).toBe(43);
  });
});

describe('driftPct', () => {
  it.each([
    [95, 100, -5],
    [110, 100, 10],
    [100, 100, 0],
    [0, 0, 0],
    [0, 50, -100],
  ])('estimate %d against a bill of %d drifts %d %%', (estimate, billed, expected) => {
    expect(driftPct(estimate, billed)).toBe(expected);
  });

  it('is undefined when the bill is empty but the estimate is not', () => {
    expect(driftPct(3, 0)).toBeUndefined();
  });

  it('has the sign of estimate minus bill, and is zero exactly when they agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (e, b) => {
        const d = driftPct(e / 100, b / 100) as number;

        expect(Math.sign(Math.round(d * 100))).toBe(
          Math.sign(e - b) * (Math.abs(e - b) / b >= 0.00005 ? 1 : 0),
        );
      }),
    );
  });
});

describe('the reconcile function (mocked CloudWatch and Cost Explorer)', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  const costExplorer = mockClient(CostExplorerClient);
  beforeEach(() => {
    cloudwatch.reset();
    costExplorer.reset();
  });

  const run = async () => {
    const lines: string[] = [];
    const handler = createReconcileHandler({
      cloudwatch: new CloudWatchClient({ region: 'us-east-1' }),
      costExplorer: new CostExplorerClient({ region: 'us-east-1' }),
      namespace: 'BedrockWatch',
      service: 'bedrock-watch',
      region: 'us-east-1',
      now: () => NOW,
      logger: new Logger({ serviceName: 'bedrock-watch', logLevel: 'ERROR' }),
      emit: (line) => lines.push(line),
    });
    const result = await handler({}, context);
    return { result, lines };
  };

  it('publishes the estimate, the bill and the drift of the day, from one Cost Explorer request', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [{ Id: 'cost', Values: [10, 20, 10.5] }], NextToken: 'more' })
      .on(GetMetricDataCommand, { NextToken: 'more' })
      .resolves({ MetricDataResults: [{ Id: 'cost', Values: [5.5] }] });
    costExplorer.on(GetCostAndUsageCommand).resolves(
      bill([
        ['Amazon Bedrock', 'us-east-1', '40'],
        ['Claude Haiku 4.5 (Amazon Bedrock Edition)', 'us-east-1', '10'],
      ]),
    );

    const { result, lines } = await run();

    expect(result).toEqual({
      day: '2026-11-25',
      region: 'us-east-1',
      estimatedUsd: 46,
      billedUsd: 50,
      driftPct: -8,
    });
    expect(costExplorer.commandCalls(GetCostAndUsageCommand)).toHaveLength(1);
    const query = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(query?.StartTime).toEqual(new Date('2026-11-25T00:00:00Z'));
    expect(query?.EndTime).toEqual(new Date('2026-11-26T00:00:00Z'));
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0] as string);
    expect(doc[RECONCILIATION.estimateToBillPct]).toBe(92);
    expect(doc._aws.Timestamp).toBe(NOW);
    expect(lines[0] as string).toBeValidEmf();
  });

  it('follows Cost Explorer pages, and publishes no drift for a day the bill has nothing for', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'cost', Values: [2] }] });
    costExplorer
      .on(GetCostAndUsageCommand)
      .resolves({ ...bill([]), NextPageToken: 'p2' })
      .on(GetCostAndUsageCommand, { NextPageToken: 'p2' })
      .resolves(bill([['Amazon Bedrock', 'eu-west-1', '7']]));

    const { result, lines } = await run();

    expect(costExplorer.commandCalls(GetCostAndUsageCommand)).toHaveLength(2);
    expect(result.driftPct).toBeUndefined();
    expect(JSON.parse(lines[0] as string)).not.toHaveProperty(RECONCILIATION.estimateToBillPct);
  });
});

describe('reconciliationDocument', () => {
  it('writes the three figures under [service], valid EMF', () => {
    const doc = reconciliationDocument('BedrockWatch', 'bedrock-watch', NOW, {
      day: '2026-11-25',
      region: 'us-east-1',
      estimatedUsd: 1,
      billedUsd: 2,
      driftPct: -50,
    });

    expect(doc).toBeValidEmf();
    expect(JSON.parse(doc)._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
  });
});

describe('the bill-drift alarm', () => {
  const alarmOf = (raw: Record<string, string>) =>
    buildAlarmDefinitions(parseStackParameters(raw), names).find((a) => a.family === 'bill-drift');

  it('warns when the drift is off by more than billDriftWarningPct either way, deciding on one daily point', () => {
    const alarm = alarmOf({ billDriftWarningPct: '7.5' });

    expect(alarm).toMatchObject({
      key: 'bill-drift-all',
      name: 'bedrock-watch-prod-bill-drift-all',
      level: 'warning',
      comparison: 'GreaterThanThreshold',
      threshold: 7.5,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'ignore',
    });
    expect(
      alarm?.kind === 'metric' && alarm.queries.map((q) => q.expression ?? q.metric?.metricName),
    ).toEqual([RECONCILIATION.estimateToBillPct, 'ABS(ratio - 100)']);
  });

  it('goes to ALARM on a day 8 % short of the bill and back to OK on a day within 5 %, as CloudWatch would', () => {
    const params = parseStackParameters({});
    const alarm = buildAlarmDefinitions(params, names).filter((a) => a.family === 'bill-drift');
    const store = new MetricStore();
    const day1 = Date.parse('2026-11-27T06:30:00Z');
    const day2 = day1 + 86_400_000;
    for (const [at, estimate] of [
      [day1, 92],
      [day2, 103],
    ] as const) {
      const doc = reconciliationDocument('BedrockWatch', 'bedrock-watch', at, {
        day: 'd',
        region: 'us-east-1',
        estimatedUsd: estimate,
        billedUsd: 100,
        driftPct: driftPct(estimate, 100),
      });
      for (const series of readEmfSeries([doc]).values())
        store.put(series, at, at + 60_000, series.unit, series.values);
    }

    const [timeline] = evaluateAlarms(alarm, store, {
      fromMs: day1 - 3_600_000,
      toMs: day2 + 6 * 3_600_000,
      isDerivable: () => true,
      ruleOf: () => 'FALSE',
    });

    // Stays in ALARM through the hours without a point (ignore), until the next day reconciles.
    expect(timeline?.transitions.map((t) => [t.state, t.value, (t.atMs - day1) / 3_600_000])).toEqual([
      ['ALARM', 8, expect.any(Number)],
      ['OK', 3, expect.any(Number)],
    ]);
    expect(timeline?.transitions[1]?.atMs).toBeGreaterThan(day2);
  });

  it('is absent when reconciliation is off, and the threshold is checked', () => {
    expect(alarmOf({ billReconciliation: 'false' })).toBeUndefined();
    expect(() => parseStackParameters({ billDriftWarningPct: '0' })).toThrow(StackParameterError);
  });

  it('is listed by the simulator as not simulated (the bill is not in the invocation logs)', () => {
    const params = parseStackParameters({});
    const alarm = alarmOf({});

    const simulated =
      alarm?.kind === 'metric' && alarm.queries.every((q) => !q.metric || derivable(params, names)(q.metric));

    expect(simulated).toBe(false);
  });

  it('is shown on the executive dashboard with the estimate and the bill', () => {
    const params = parseStackParameters({});
    const executive = buildDashboards(params, names, buildAlarmDefinitions(params, names)).find(
      (d) => d.key === 'executive',
    );

    const text = JSON.stringify(executive?.body);

    for (const name of Object.values(RECONCILIATION)) expect(text).toContain(name);
  });
});

describe('the reconcile role', () => {
  it('may read the cost metric and Cost Explorer, and nothing else', () => {
    const role = reconcileResources(names).ReconcileRole as unknown as {
      Properties: {
        Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[];
      };
    };

    const statements = role.Properties.Policies[0]?.PolicyDocument.Statement ?? [];

    expect(statements.flatMap((s) => s.Action).sort()).toEqual([
      'ce:GetCostAndUsage',
      'cloudwatch:GetMetricData',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });
});

describe('the reconcile schedule', () => {
  it('runs daily only when billReconciliation is on', () => {
    const ctx = { service: 'bedrock-watch', stage: 'prod' };

    const on = alertEnvironments(parseStackParameters({}), ctx).reconcile;
    const off = alertEnvironments(parseStackParameters({ billReconciliation: 'false' }), ctx).reconcile;

    expect(on).toEqual({ enabled: true });
    expect(off).toEqual({ enabled: false });
  });
});

describe('the Cost Explorer client region', () => {
  /** Where the SDK's own endpoint rules send a Cost Explorer client configured for `region`. */
  const endpointOf = async (region: string) => {
    const client = new CostExplorerClient({ region });
    const endpoint = await client.config.endpointProvider({
      Region: region,
      UseFIPS: false,
      UseDualStack: false,
    });
    const scheme = (endpoint.properties?.authSchemes as { signingRegion?: string }[] | undefined)?.[0];
    return { host: endpoint.url.host, signingRegion: scheme?.signingRegion };
  };

  it.each([
    ['aws', 'us-east-1', 'ce.us-east-1.amazonaws.com', 'us-east-1'],
    ['aws', 'eu-west-1', 'ce.us-east-1.amazonaws.com', 'us-east-1'],
    ['aws', 'ap-southeast-2', 'ce.us-east-1.amazonaws.com', 'us-east-1'],
    ['aws-cn', 'cn-north-1', 'ce.cn-northwest-1.amazonaws.com.cn', 'cn-northwest-1'],
    ['aws-cn', 'cn-northwest-1', 'ce.cn-northwest-1.amazonaws.com.cn', 'cn-northwest-1'],
    ['aws-us-gov', 'us-gov-west-1', 'ce.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
    ['aws-us-gov', 'us-gov-east-1', 'ce.us-gov-west-1.amazonaws.com', 'us-gov-west-1'],
  ])('in %s, a function in %s calls %s, signed for %s', async (_partition, functionRegion, host, signing) => {
    const chosen = costExplorerRegion(functionRegion);

    expect(chosen).toBe(signing);
    // The SDK resolves the chosen region to its partition's endpoint, the same one it resolves the
    // function's own region to.
    expect(await endpointOf(chosen)).toEqual({ host, signingRegion: signing });
    expect(await endpointOf(functionRegion)).toEqual({ host, signingRegion: signing });
  });

  it('is never us-east-1 outside the aws partition (the client pinned there signed for the wrong partition)', async () => {
    for (const functionRegion of ['cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1']) {
      const { host } = await endpointOf(costExplorerRegion(functionRegion));

      expect(host).not.toBe((await endpointOf('us-east-1')).host);
    }
  });
});

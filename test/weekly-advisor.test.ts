import { join } from 'node:path';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { readUsage } from '../cli/advise/read';
import { functionEnvironments } from '../deploy/stack/environment';
import { ingestNames } from '../deploy/stack/names';
import { WEEKLY_ADVISOR_SCHEDULE, weeklyAdvisorResources } from '../deploy/stack/weekly-advisor';
import { weeklyAdviceUsd } from '../dev/lib/monthly-bill';
import { InsightsQueryError, runInsightsQuery } from '../functions/weekly-advisor/insights';
import {
  createSnsPublisher,
  publishBody,
  SnsPublishError,
  topicArnOf,
} from '../functions/weekly-advisor/sns';
import { advise } from '../shared/advice/checks';
import {
  ADVISOR_ENV,
  adviceMessage,
  PLAN_QUERY,
  parseAdvisorSettings,
  planSlices,
  ROWS_PER_QUERY,
  ROWS_QUERY,
  rowOfRecord,
  savingsByBasis,
  WEEKLY_OPTIONS,
  weeklyWindow,
} from '../shared/advice/weekly';
import { readEmfSeries } from '../shared/analysis/emf-reader';
import { SAVINGS } from '../shared/contract/metrics';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { ADVICE_FACTS } from '../shared/pricing/advice-facts';
import { CORPORA, logs, NOW, PLANTED, recordsOf, rowsOf, run } from './support/weekly-advisor';

const savingOf = (emitted: string[], basis: string) =>
  [...readEmfSeries(emitted).values()].find(
    (s) => s.name === SAVINGS.monthlyUsd && s.dimensions[SAVINGS.basisDimension] === basis,
  )?.values;

beforeEach(() => logs.reset());

describe('the weekly advisor', () => {
  it('reports the planted week as the local advisor does, the exact figures to the hand calculation', async () => {
    const { result, started, published, emitted } = run(rowsOf(PLANTED));
    const out = await result;

    // The same records and window through `bedrock-watch advise`'s reader and checks.
    const window = weeklyWindow(NOW);
    const local = await readUsage({
      paths: PLANTED.map((c) => join(CORPORA, `${c}.jsonl`)),
      env: {},
      sinceMs: window.startMs,
      untilMs: window.endMs,
      warn: () => undefined,
    });
    const advice = advise(local.usage, {
      priceTable: local.priceTable,
      facts: ADVICE_FACTS,
      options: { ...WEEKLY_OPTIONS, nowMs: NOW },
    });
    expect(out.calls).toBe(local.usage.calls.length);
    expect(out.savings).toEqual(savingsByBasis(advice.findings));
    expect(published).toEqual([
      {
        topicArn: 'arn:aws:sns:us-east-1:111122223333:bedrock-watch-prod-warning',
        ...adviceMessage(advice, {
          namePrefix: 'bedrock-watch-prod',
          calls: out.calls,
          unread: 0,
          rejected: 0,
        }),
      },
    ]);
    // Hand calculation. legacy-model: 10 calls of 2,000 in + 500 out at $6/$30 per M = $0.27 against
    // Sonnet 4.5 in-region (1.1 × $3/$15) = $0.1485, saving $0.1215. global-profile: 10 calls through
    // us. at $0.0066 each, × (1 − 1/1.1) = $0.006. A week extrapolated to 30 days: × 30/7.
    // Exact in all: (0.1215 + 0.006) × 30 / 7 = $0.546429 → $0.55.
    expect(savingOf(emitted, 'exact')).toEqual([0.55]);
    const exact = advice.findings.filter((f) => f.basis === 'exact');
    expect(exact.map((f) => f.check).sort()).toEqual(['global-profile', 'legacy-model']);
    expect(exact.find((f) => f.check === 'legacy-model')?.windowUsd).toBeCloseTo(0.1215, 9);
    expect(exact.find((f) => f.check === 'legacy-model')?.monthlyUsd).toBeCloseTo((0.1215 * 30) / 7, 6);
    // truncation-retries is read from the stop reason the query selects from the body.
    expect(published[0]?.message).toContain('truncation-retries');
    // One plan and one rows query: the planted week has far fewer than 10,000 calls in any slice.
    expect(started.map((s) => s.queryString)).toEqual([PLAN_QUERY, ROWS_QUERY]);
    expect(started[0]).toMatchObject({
      logGroupName: '/aws/bedrock/modelinvocations',
      startTime: window.startMs / 1000,
      endTime: window.endMs / 1000 - 1,
    });
  });

  it('sends nothing and publishes zeros for a week without an opportunity', async () => {
    const { result, published, emitted } = run(rowsOf(['none']));
    const out = await result;

    expect(out.calls).toBe(6);
    expect(published).toEqual([]);
    for (const basis of ['exact', 'upper-bound', 'scenario']) expect(savingOf(emitted, basis)).toEqual([0]);
  });

  it('cuts a busy week into queries of at most 10,000 rows and counts a bin it cannot read in full', () => {
    // 10 bins: nine of 3,000 calls, one (the fourth) of 12,000.
    const start = weeklyWindow(NOW).startMs;
    const bins = Array.from({ length: 10 }, (_, i) => ({
      startMs: start + i * 300_000,
      calls: i === 3 ? 12_000 : 3_000,
    }));
    const slices = planSlices(bins, weeklyWindow(NOW));

    expect(slices.map((s) => s.calls)).toEqual([9_000, 12_000, 9_000, 9_000]);
    expect(slices[1]).toEqual({ startMs: start + 900_000, endMs: start + 1_200_000, calls: 12_000 });
  });

  it('fails the run when a Logs Insights query fails (the function errors; nothing is published)', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q1' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Running' } as GetQueryResultsCommandOutput)
      .resolves({ status: 'Failed' } as GetQueryResultsCommandOutput);
    let slept = 0;
    const query = runInsightsQuery(
      {
        logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
        logGroupName: 'g',
        sleep: () => {
          slept++;
          return Promise.resolve();
        },
      },
      PLAN_QUERY,
      weeklyWindow(NOW),
    );

    await expect(query).rejects.toThrow(InsightsQueryError);
    await expect(query).rejects.toThrow('ended Failed');
    expect(slept).toBe(1);
  });
});

describe('planSlices', () => {
  it('keeps every planned call in exactly one slice, in order, within the row limit unless a bin alone is over', () => {
    const window = weeklyWindow(NOW);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ bin: fc.integer({ min: 0, max: 2015 }), calls: fc.integer({ min: 0, max: 15_000 }) }),
          {
            maxLength: 60,
          },
        ),
        (raw) => {
          const byBin = new Map(raw.map((r) => [r.bin, r.calls]));
          const bins = [...byBin].map(([bin, calls]) => ({ startMs: window.startMs + bin * 300_000, calls }));
          const slices = planSlices(bins, window);
          const total = bins.reduce((a, b) => a + b.calls, 0);
          expect(slices.reduce((a, s) => a + s.calls, 0)).toBe(total);
          for (const [i, s] of slices.entries()) {
            expect(s.startMs).toBeLessThan(s.endMs);
            expect(s.startMs).toBeGreaterThanOrEqual(window.startMs);
            expect(s.endMs).toBeLessThanOrEqual(window.endMs);
            if (i > 0) expect(s.startMs).toBeGreaterThanOrEqual(slices[i - 1]?.endMs ?? 0);
            if (s.endMs - s.startMs > 300_000) expect(s.calls).toBeLessThanOrEqual(ROWS_PER_QUERY);
          }
        },
      ),
    );
  });
});

describe('what the weekly query reads', () => {
  it('selects ids, counts, stop reasons and tiers, never body text', () => {
    const record = {
      ...(recordsOf('truncation-retries')[0] as Record<string, unknown>),
      input: {
        inputTokenCount: 10,
        inputBodyJson: { messages: [{ content: [{ text: 'CANARY-PROMPT-7f3a9c' }] }] },
      },
    };
    const row = rowOfRecord(record);

    expect(JSON.stringify(row)).not.toContain('CANARY');
    expect(row).toMatchObject({ inputTokens: '10', stopReason: 'max_tokens' });
    expect(ROWS_QUERY).not.toMatch(/inputBodyJson\.messages|@message\b(?!\))/);
  });
});

describe('delivery', () => {
  it('publishes to the warning topic with the advice attribute, and names SNS refusals by code', async () => {
    expect(topicArnOf('arn:aws-cn:lambda:cn-north-1:111122223333:function:f', 'p-warning')).toBe(
      'arn:aws-cn:sns:cn-north-1:111122223333:p-warning',
    );
    const body = new URLSearchParams(publishBody('arn:t', 'subject', 'text'));
    expect(body.get('Action')).toBe('Publish');
    expect(body.get('MessageAttributes.entry.1.Value.StringValue')).toBe('advice');
    const calls: string[] = [];
    const publish = createSnsPublisher({
      region: 'us-east-1',
      endpoint: 'https://sns.example.test',
      credentials: () => Promise.resolve({ accessKeyId: 'AKID', secretAccessKey: 'secret' }),
      fetch: ((_url: unknown, init?: { body?: unknown }) => {
        calls.push(String(init?.body));
        return Promise.resolve(
          new Response('<ErrorResponse><Error><Code>AuthorizationError</Code></Error></ErrorResponse>', {
            status: 403,
          }),
        );
      }) as typeof fetch,
    });

    await expect(publish('arn:t', 's', 'm')).rejects.toThrow(SnsPublishError);
    await expect(publish('arn:t', 's', 'm')).rejects.toThrow('AuthorizationError (HTTP 403)');
    expect(calls[0]).toContain('Action=Publish');
  });
});

describe('the stack', () => {
  const params = parseStackParameters({});
  const names = ingestNames({ service: 'bedrock-watch', stage: 'prod' });

  it('runs it weekly with a role that may query the invocation log group and publish to the warning topic only', () => {
    const resources = weeklyAdvisorResources(params, names);
    const policy = (
      (resources.WeeklyAdvisorRole?.Properties?.Policies ?? []) as {
        PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] };
      }[]
    )[0];
    const statements = policy?.PolicyDocument.Statement ?? [];

    expect(statements.flatMap((s) => s.Action).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:GetQueryResults',
      'logs:PutLogEvents',
      'logs:StartQuery',
      'sns:Publish',
    ]);
    expect(JSON.stringify(statements.find((s) => s.Action.includes('logs:StartQuery'))?.Resource)).toContain(
      `log-group:${params.invocationLogGroupName}`,
    );
    expect(statements.find((s) => s.Action.includes('sns:Publish'))?.Resource).toEqual({
      Ref: 'WarningTopic',
    });
    expect(resources.WeeklyAdvisorSchedule?.Properties?.ScheduleExpression).toBe(WEEKLY_ADVISOR_SCHEDULE);
  });

  it('gives it only what it reads', () => {
    const env = functionEnvironments(params, { service: 'bedrock-watch', stage: 'prod' }).weeklyAdvisor;

    expect(Object.keys(env).sort()).toEqual([
      ADVISOR_ENV,
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
    ]);
    expect(parseAdvisorSettings(env[ADVISOR_ENV])).toEqual({
      logGroupName: params.invocationLogGroupName,
      topicName: 'bedrock-watch-prod-warning',
      namePrefix: 'bedrock-watch-prod',
    });
  });
});

describe('its cost in the bill estimator', () => {
  it('prices two scans of the month of invocation logs, its Lambda and its six weekly series', () => {
    // 1 GB of invocation logs a month: scanned twice = 2 GB × $0.005 = $0.01; Lambda 30/7 runs × 120 s
    // × 1 GB × $0.0000133334 = $0.0068572 (+ requests, $0.0000009); metrics 6 series × 30/7 hours × $0.30 / 730 = $0.0105675.
    const { usd, gbScanned } = weeklyAdviceUsd(1e9);

    expect(gbScanned).toBe(2);
    expect(usd).toBeCloseTo(0.01 + 0.0068572 + 0.0000009 + 0.0105675, 6);
  });
});

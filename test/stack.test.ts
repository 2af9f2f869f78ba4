import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_DIR, runReplay } from '../cli/replay/run';
import { withStackDefaults } from '../deploy/given-parameters';
import { buildStack, ingestNames, SUBSCRIPTION_FILTER_PATTERN } from '../deploy/stack/index';
import { FUNCTION_KEYS, functionName } from '../deploy/stack/names';
import {
  buildIngestBundle,
  buildLargestKinesisBatch,
  measurePeakMemoryOf,
  SYNC_INVOCATION_PAYLOAD_BYTES,
} from '../dev/lib/ingest-bundle';
import { monthToDateDocument } from '../functions/month-to-date/month-to-date';
import { reconciliationDocument } from '../functions/reconcile/reconcile';
import { savingsDocuments } from '../shared/advice/weekly';
import { readEmfSeries } from '../shared/analysis/emf-reader';
import {
  AWS_BEDROCK_METRIC,
  ERROR_METRICS,
  FILTER_METRICS,
  HOURLY_TOKENS,
  MONTH_TO_DATE,
} from '../shared/contract/metrics';
import priceData from '../shared/ingest/price-table.json';
import { buildAlarmDefinitions } from '../shared/monitoring/alarms/index';
import { hourlySettings } from '../shared/monitoring/alerting';
import { buildDashboards, type Widget } from '../shared/monitoring/dashboards/index';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { contractProblems, type EmittedSeries, metricUses } from './support/contract-helpers';
import { fixturePath } from './support/helpers';
import {
  asList,
  cfnLint,
  packageFailure,
  packageTemplate,
  policyStatements,
  resourcesOfType,
  runServerless,
  type Template,
} from './support/stack-helpers';

const run = promisify(execFile);
const WATCHED = ['anthropic.claude-3-haiku-20240307-v1:0', 'us.anthropic.claude-3-5-sonnet-20240620-v1:0'];
let direct: Template;
let directDir: string;
let kinesis: Template;
let defaults: Template;
let adopted: Template;
let essential: Template;
let emitted: EmittedSeries[];
let emittedEssential: EmittedSeries[];
let attributionLines: Record<string, unknown>[];

/** What the ingest function emits for an environment (the sample set through the handler), and the month-to-date function. */
async function emittedWith(
  env: Record<string, string>,
): Promise<{ series: EmittedSeries[]; lines: string[] }> {
  // The quality fixtures hold the guardrail interventions the sample set has none of.
  const run = await runReplay({
    paths: [DEFAULT_SAMPLE_DIR, fixturePath('quality-records.jsonl')],
    writeLog: () => undefined,
    env,
  });
  const series = [...readEmfSeries(run.emf).values()].map((s) => ({
    metricName: s.name,
    unit: s.unit,
    dimensionNames: Object.keys(s.dimensions),
  }));
  // The month-to-date, reconcile and weekly advisor functions publish their own series.
  for (const s of readEmfSeries([
    ...savingsDocuments('BedrockWatch', 'bedrock-watch', Date.now(), []),
    monthToDateDocument('BedrockWatch', 'bedrock-watch', Date.now(), 1),
    reconciliationDocument('BedrockWatch', 'bedrock-watch', Date.now(), {
      day: '2026-11-25',
      region: 'us-east-1',
      estimatedUsd: 1,
      billedUsd: 1,
      driftPct: 0,
    }),
  ]).values()) {
    series.push({ metricName: s.name, unit: s.unit, dimensionNames: Object.keys(s.dimensions) });
  }
  return { series, lines: run.emf };
}

beforeAll(async () => {
  // One at a time: serverless-esbuild builds in the repo's .esbuild folder.
  ({ template: direct, dir: directDir } = await packageTemplate(
    {
      watchedModels: WATCHED.join(','),
      quotas: `${WATCHED[0]}=2000000:1000`,
      dashboardRegions: 'us-east-1,us-west-2',
      criticalEmail: 'oncall@example.com',
      largeDataBucket: 'create',
      attributionKeys: 'caller,team',
      topContributorCostPerHourUsd: '25',
    },
    ['--stage', 'prod'],
  ));
  ({ template: essential } = await packageTemplate(
    {
      metricSet: 'essential',
      watchedModels: WATCHED.join(','),
      quotas: `${WATCHED[0]}=2000000:1000`,
      largeDataBucket: 'create',
      attributionKeys: 'caller,team',
      teamBudgets: 'team/data=300',
      topContributorCostPerHourUsd: '25',
      topContributorTokensPerHour: '2000000',
      tokenSpikeAlarms: 'true',
    },
    ['--stage', 'prod'],
  ));
  ({ template: kinesis } = await packageTemplate({ ingestMode: 'kinesis', reservedConcurrency: '5' }));
  ({ template: defaults } = await packageTemplate());
  ({ template: adopted } = await packageTemplate({
    existingLogGroup: '/aws/bedrock/modelinvocations',
    largeDataBucket: 'my-existing-bodies',
  }));
  // What the ingest function really emits, in each metric set: replay the sample set through the handler.
  const complete = await emittedWith({ BEDROCK_WATCH_ATTRIBUTION: 'caller,team' });
  emitted = complete.series;
  const lean = await emittedWith({
    BEDROCK_WATCH_ATTRIBUTION: 'caller,team',
    BEDROCK_WATCH_METRIC_SET: 'essential',
    BEDROCK_WATCH_BUDGETED_VALUES: '["team/data"]',
  });
  emittedEssential = lean.series;
  // The hourly function publishes month to date per budget and tokens per token-spike scope.
  const hourly = hourlySettings(
    parseStackParameters({
      metricSet: 'essential',
      watchedModels: WATCHED.join(','),
      attributionKeys: 'caller,team',
      teamBudgets: 'team/data=300',
      tokenSpikeAlarms: 'true',
    }),
  );
  for (const dims of hourly?.costScopes ?? [])
    for (const metricName of [MONTH_TO_DATE.cost, MONTH_TO_DATE.projected])
      emittedEssential.push({ metricName, unit: 'None', dimensionNames: ['service', ...Object.keys(dims)] });
  for (const dims of hourly?.tokenScopes ?? [])
    for (const metricName of Object.values(HOURLY_TOKENS))
      emittedEssential.push({ metricName, unit: 'Count', dimensionNames: ['service', ...Object.keys(dims)] });
  attributionLines = complete.lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((d) => d.bedrockWatch === 'attribution');
  // Metric filters emit their own series, with the dimensions they declare.
  for (const [, filter] of resourcesOfType(direct, 'AWS::Logs::MetricFilter')) {
    for (const t of filter.Properties.MetricTransformations) {
      const series = {
        metricName: t.MetricName,
        unit: t.Unit,
        dimensionNames: t.Dimensions.map((d: { Key: string }) => d.Key),
      };
      emitted.push(series);
      emittedEssential.push(series);
    }
  }
}, 120_000);

/**
 * A template value as CloudFormation would resolve it in this partition and region: literal
 * strings, and Fn::Sub of the pseudo parameters and of Fn::FindInMap variables (what names and
 * URLs use).
 */
function resolveIn(template: Template, value: unknown, partition: string, region: string): string {
  if (typeof value === 'string') return value;
  const [text, vars = {}] = asList((value as { 'Fn::Sub': unknown })['Fn::Sub']) as [
    string,
    Record<string, { 'Fn::FindInMap': [string, unknown, string] }>?,
  ];
  const mappings = (template as unknown as { Mappings: Record<string, any> }).Mappings;
  const known: Record<string, string> = { 'AWS::Region': region, 'AWS::Partition': partition };
  for (const [name, v] of Object.entries(vars)) {
    const [map, , key] = v['Fn::FindInMap'];
    known[name] = mappings[map][partition][key];
  }
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (!(name in known)) throw new Error(`cannot resolve \${${name}}`);
    return known[name] as string;
  });
}

const one = (template: Template, type: string) => {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return (found[0] as [string, Template['Resources'][string]])[1];
};

describe('the packaged stack (serverless package, offline)', () => {
  it('packages each function on its own, with only its own bundle', async () => {
    // python3 ships on every machine image; unzip may not.
    const list = async (fn: string) =>
      (await run('python3', ['-m', 'zipfile', '-l', join(directDir, `${fn}.zip`)])).stdout
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0])
        .filter(Boolean)
        .sort();

    const zips = { ingest: await list('ingest'), loggingConfig: await list('loggingConfig') };

    expect(existsSync(join(directDir, 'bedrock-watch.zip'))).toBe(false);
    expect(zips.ingest).toEqual(['functions/ingest/handler.mjs', 'functions/ingest/handler.mjs.map']);
    expect(zips.loggingConfig).toEqual([
      'functions/logging-config/handler.mjs',
      'functions/logging-config/handler.mjs.map',
    ]);
    expect(direct.Resources.IngestLambdaFunction?.Properties.Code.S3Key).toMatch(/ingest\.zip$/);
  });

  it('deploys to the dev stage unless --stage says otherwise', () => {
    expect(kinesis.Resources.IngestLambdaFunction?.Properties.FunctionName).toBe('bedrock-watch-dev-ingest');
    expect(direct.Resources.IngestLambdaFunction?.Properties.FunctionName).toBe('bedrock-watch-prod-ingest');
  });

  it('bundles ingest functions that run on Node 20 without the AWS SDK inside', async () => {
    await run('python3', ['-m', 'zipfile', '-e', join(directDir, 'ingest.zip'), join(directDir, 'code')]);
    await run('python3', [
      '-m',
      'zipfile',
      '-e',
      join(directDir, 'loggingConfig.zip'),
      join(directDir, 'code'),
    ]);
    const bundle = join(directDir, 'code', 'functions', 'ingest', 'handler.mjs');
    expect(statSync(bundle).size).toBeLessThan(250 * 1024);
    // The SDK is not bundled: its one use is a lazy import of the runtime's own copy.
    const code = readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/@smithy\//);
    expect(code.match(/@aws-sdk\//g) ?? []).toHaveLength(1);
    expect(existsSync(join(directDir, 'code', 'functions', 'logging-config', 'handler.mjs'))).toBe(true);
    // Run the bundle in a fresh Node process, as Lambda would.
    const script = `
      import { readFileSync } from 'node:fs';
      const { handler } = await import(${JSON.stringify(bundle)});
      const event = JSON.parse(readFileSync(${JSON.stringify(fixturePath('subscription-lambda-event.json'))}, 'utf8'));
      const result = await handler(event, { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 });
      process.stderr.write(JSON.stringify(result));`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: directDir,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    const result = JSON.parse(stderr);
    expect(result.received).toBeGreaterThan(0);
    expect(result.accepted + result.rejected + result.duplicates).toBe(result.received);
    const emf = stdout.split('\n').filter((l) => l.includes('"_aws"'));
    expect(emf.length).toBeGreaterThan(0);
    for (const doc of emf) expect(doc).toBeValidEmf();
  });

  it('creates the invocation log group and the role Bedrock assumes to write into it', () => {
    const logGroup = direct.Resources.InvocationLogGroup;
    expect(logGroup?.Properties).toEqual({
      LogGroupName: '/aws/bedrock/modelinvocations',
      // invocationText=short by default: prompts and answers are kept one day.
      RetentionInDays: 1,
    });
    expect(logGroup?.DeletionPolicy).toBe('Retain');
    const trust = direct.Resources.BedrockLoggingRole?.Properties.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Principal).toEqual({ Service: 'bedrock.amazonaws.com' });
    expect(trust.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    const write = direct.Resources.BedrockLoggingRole?.Properties.Policies[0].PolicyDocument.Statement[0];
    expect(write.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(JSON.stringify(write.Resource)).toContain(
      ':log-group:/aws/bedrock/modelinvocations:log-stream:aws/bedrock/modelinvocations',
    );
  });

  it('turns model-invocation logging on, with text kept a day by default, through a custom resource', () => {
    const custom = one(direct, 'Custom::BedrockInvocationLogging');
    expect(custom.Properties).toMatchObject({
      ServiceToken: { 'Fn::GetAtt': ['LoggingConfigLambdaFunction', 'Arn'] },
      LogGroupName: '/aws/bedrock/modelinvocations',
      RoleArn: { 'Fn::GetAtt': ['BedrockLoggingRole', 'Arn'] },
      LargeDataBucket: { Ref: 'LargeDataBucket' },
      PreviousConfigParameter: '/bedrock-watch/prod/previous-invocation-logging-config',
      TextDataDelivery: 'true',
    });
    expect(custom.DependsOn).toEqual([
      'InvocationLogGroup',
      'LargeDataBucketPolicy',
      'EarlierLoggingRolePassPolicy',
    ]);
    // CloudFormation waits an hour for an answer unless told otherwise; the function answers before
    // its own timeout, so a crash is the only reason to wait, and not for long.
    const functionTimeout = direct.Resources.LoggingConfigLambdaFunction?.Properties.Timeout;
    expect(custom.Properties.ServiceTimeout).toBeGreaterThan(functionTimeout);
    expect(custom.Properties.ServiceTimeout).toBeLessThanOrEqual(functionTimeout + 300);
    const bucketPolicy = direct.Resources.LargeDataBucketPolicy?.Properties.PolicyDocument.Statement[0];
    expect(bucketPolicy.Principal).toEqual({ Service: 'bedrock.amazonaws.com' });
  });

  it('subscribes the ingest function directly, with retries and a 14-day failure queue', () => {
    const filter = one(direct, 'AWS::Logs::SubscriptionFilter');
    expect(filter.Properties).toMatchObject({
      FilterPattern: SUBSCRIPTION_FILTER_PATTERN,
      LogGroupName: '/aws/bedrock/modelinvocations',
      DestinationArn: { 'Fn::GetAtt': ['IngestLambdaFunction', 'Arn'] },
    });
    expect(filter.DependsOn).toContain('IngestSubscriptionPermission');
    expect(direct.Resources.IngestSubscriptionPermission?.Properties.Principal).toBe('logs.amazonaws.com');
    expect(one(direct, 'AWS::Lambda::EventInvokeConfig').Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['IngestFailureQueue', 'Arn'] } } },
    });
    expect(direct.Resources.IngestFailureQueue?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(direct.Resources.IngestLambdaFunction?.Properties.Runtime).toBe('nodejs22.x');
    // Reserving concurrency fails in accounts whose quota leaves no room for Lambda's unreserved minimum.
    expect(direct.Resources.IngestLambdaFunction?.Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(direct.Resources.IngestLambdaFunction?.Properties.Environment.Variables).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=4',
      POWERTOOLS_METRICS_NAMESPACE: 'BedrockWatch',
      BEDROCK_WATCH_ATTRIBUTION: 'caller,team',
      BEDROCK_WATCH_ATTRIBUTION_MAX_VALUES: '25',
      BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES: 'true',
    });
  });

  it('in Kinesis mode, routes the subscription through a stream that feeds the same handler', () => {
    const filter = one(kinesis, 'AWS::Logs::SubscriptionFilter');
    expect(filter.Properties.DestinationArn).toEqual({ 'Fn::GetAtt': ['IngestStream', 'Arn'] });
    expect(filter.Properties.RoleArn).toEqual({ 'Fn::GetAtt': ['LogsToKinesisRole', 'Arn'] });
    // The new role propagates while the stream and the mapping are created, before the filter uses it.
    expect(kinesis.Resources.IngestStream?.DependsOn).toEqual(['LogsToKinesisRole']);
    expect(kinesis.Resources.IngestStream?.Properties.Name).toBe('bedrock-watch-dev-invocation-logs');
    expect(JSON.stringify(kinesis.Resources.LogsToKinesisRole?.Properties.Policies)).toContain(
      ':stream/bedrock-watch-dev-invocation-logs',
    );
    // After the custom resource has looked for room in the group (issue 25, item 5).
    expect(filter.DependsOn).toEqual([
      'InvocationLogGroup',
      'IngestStreamMapping',
      'InvocationLoggingConfig',
    ]);
    expect(kinesis.Resources.IngestStreamMapping?.Properties.EventSourceArn).toEqual({
      'Fn::GetAtt': ['IngestStream', 'Arn'],
    });
    expect(one(kinesis, 'AWS::Lambda::EventSourceMapping').Properties).toMatchObject({
      FunctionName: { Ref: 'IngestLambdaFunction' },
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['IngestFailureQueue', 'Arn'] } } },
    });
    expect(resourcesOfType(kinesis, 'AWS::Lambda::EventInvokeConfig')).toHaveLength(0);
    expect(kinesis.Resources.IngestLambdaFunction?.Properties.ReservedConcurrentExecutions).toBe(5);
    expect(kinesis.Resources.IngestLambdaFunction?.Properties.Handler).toBe(
      'functions/ingest/handler.handler',
    );
  });

  it('gives the ingest function memory for the largest batch its mode can deliver, a quarter to spare', () => {
    const bundle = buildIngestBundle();
    const largest = buildLargestKinesisBatch(Date.now());

    const peakMiB = measurePeakMemoryOf(bundle, largest.event).peakKiB / 1024;

    // Lambda's 6 MB invocation payload caps a Kinesis batch, not BatchSize (100): 4 full records.
    expect(largest.records).toBe(4);
    expect(largest.eventBytes).toBeLessThanOrEqual(SYNC_INVOCATION_PAYLOAD_BYTES);
    expect(one(kinesis, 'AWS::Lambda::EventSourceMapping').Properties.BatchSize).toBe(100);
    const memory = kinesis.Resources.IngestLambdaFunction?.Properties.MemorySize;
    expect(peakMiB, `peak ${peakMiB.toFixed(0)} MiB of ${memory} MB`).toBeLessThan(0.75 * memory);
    expect(direct.Resources.IngestLambdaFunction?.Properties.MemorySize).toBe(256);
  }, 60_000);

  it('adds the seed metric filters for high-token requests and access-denied calls, per model', () => {
    const filters = resourcesOfType(direct, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    expect(filters.map((f) => f.MetricTransformations[0].MetricName).sort()).toEqual(
      [FILTER_METRICS.accessDeniedCalls, FILTER_METRICS.highOutputTokenRequests].sort(),
    );
    expect(filters.find((f) => f.FilterPattern.includes('outputTokenCount'))?.FilterPattern).toContain(
      '> 4000',
    );
    for (const f of filters)
      expect(f.MetricTransformations[0].Dimensions).toEqual([{ Key: 'ModelId', Value: '$.modelId' }]);
  });

  it('grants no wildcard action anywhere', () => {
    for (const template of [direct, kinesis]) {
      // A Deny may be broad (the framework's TLS-only bucket policy denies s3:*); a grant may not.
      for (const { owner, statement } of policyStatements(template).filter(
        (s) => s.statement.Effect === 'Allow',
      )) {
        for (const action of asList(statement.Action)) {
          expect(String(action), owner).not.toMatch(/(^\*$)|(:\*$)/);
        }
      }
    }
  });

  it('gives each function role exactly the actions its function calls', () => {
    const actions = (template: Template, role: string) =>
      policyStatements(template)
        .filter((s) => s.owner === role)
        .flatMap((s) => asList(s.statement.Action))
        .sort();
    expect(actions(direct, 'IngestRole')).toEqual([
      'bedrock:GetInferenceProfile',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:SendMessage',
    ]);
    expect(actions(kinesis, 'IngestRole')).toEqual([
      'bedrock:GetInferenceProfile',
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:SendMessage',
    ]);
    expect(actions(direct, 'LoggingConfigRole')).toEqual([
      'bedrock:DeleteModelInvocationLoggingConfiguration',
      'bedrock:GetModelInvocationLoggingConfiguration',
      'bedrock:PutModelInvocationLoggingConfiguration',
      'iam:PassRole',
      'logs:CreateLogStream',
      'logs:DescribeSubscriptionFilters',
      'logs:PutLogEvents',
      'ssm:DeleteParameter',
      'ssm:GetParameter',
      'ssm:PutParameter',
    ]);
    expect(actions(direct, 'MonthToDateRole')).toEqual([
      'cloudwatch:GetMetricData',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(actions(direct, 'ReconcileRole')).toEqual([
      'ce:GetCostAndUsage',
      'cloudwatch:GetMetricData',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(actions(direct, 'WeeklyAdvisorRole')).toEqual([
      'logs:CreateLogStream',
      'logs:GetQueryResults',
      'logs:PutLogEvents',
      'logs:StartQuery',
      'sns:Publish',
    ]);
    // Only actions without a resource type (Bedrock's logging configuration, GetMetricData, Cost
    // Explorer's GetCostAndUsage, Logs Insights' GetQueryResults) may name "*".
    for (const { owner, statement } of policyStatements(direct).filter(
      (s) => s.statement.Effect === 'Allow',
    )) {
      if (statement.Resource === '*') {
        expect(['LoggingConfigRole', 'MonthToDateRole', 'ReconcileRole', 'WeeklyAdvisorRole']).toContain(
          owner,
        );
        for (const a of asList(statement.Action))
          expect(String(a)).toMatch(
            /^(bedrock:\w+ModelInvocationLoggingConfiguration|cloudwatch:GetMetricData|ce:GetCostAndUsage|logs:GetQueryResults)$/,
          );
      }
    }
    expect(resourcesOfType(direct, 'AWS::IAM::Role').map(([id]) => id)).not.toContain(
      'IamRoleLambdaExecution',
    );
  });

  it('publishes the month-to-date cost every hour from its own function', () => {
    const rule = resourcesOfType(direct, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rule).toEqual([
      expect.objectContaining({ ScheduleExpression: 'rate(1 hour)' }),
      // The reconcile function, once a day (billReconciliation is on by default).
      expect.objectContaining({ ScheduleExpression: 'cron(30 6 * * ? *)', State: 'ENABLED' }),
      // The weekly advisor, Mondays 06:00 UTC (its rule is the stack's own, deploy/stack/weekly-advisor.ts).
      expect.objectContaining({ ScheduleExpression: 'cron(0 6 ? * MON *)', State: 'ENABLED' }),
    ]);
    expect(direct.Resources.MonthToDateLambdaFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['MonthToDateRole', 'Arn'],
    });
  });

  it('creates warning and critical topics, with an e-mail subscription when one is given', () => {
    expect(direct.Resources.WarningTopic?.Type).toBe('AWS::SNS::Topic');
    expect(direct.Resources.CriticalTopic?.Type).toBe('AWS::SNS::Topic');
    expect(one(direct, 'AWS::SNS::Subscription').Properties).toEqual({
      TopicArn: { Ref: 'CriticalTopic' },
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('has the seed alarms per watched model and for all models, each sent to its level', () => {
    const alarms = resourcesOfType(direct, 'AWS::CloudWatch::Alarm').map(
      ([, a]) => a.Properties as Record<string, any>,
    );
    const named = (fragment: string): Record<string, any>[] =>
      alarms.filter((a) => a.AlarmName.includes(fragment));
    const first = (fragment: string): Record<string, any> => named(fragment)[0] ?? {};
    expect(named('latency-p95-warning')).toHaveLength(3);
    const p95Critical = first('latency-p95-critical-all');
    expect(p95Critical).toMatchObject({ Threshold: 5000, AlarmActions: [{ Ref: 'CriticalTopic' }] });
    // p95 only with the evidence: enough calls slower than the threshold (a trimmed count).
    expect(
      p95Critical.Metrics.flatMap((m: any) =>
        m.MetricStat ? [[m.MetricStat.Metric.MetricName, m.MetricStat.Stat]] : [],
      ),
    ).toEqual([
      ['Latency', 'p95'],
      ['Latency', 'TC(5000:)'],
    ]);
    expect(p95Critical.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression).toBe(
      'IF(slow >= 6, p95, 0)',
    );
    expect(first('latency-p95-warning-all')).toMatchObject({
      Threshold: 3000,
      AlarmActions: [{ Ref: 'WarningTopic' }],
    });
    const errorRate = first('error-rate-critical-all');
    expect(errorRate.Threshold).toBe(2);
    const expression = errorRate.Metrics.find((m: { ReturnData: boolean }) => m.ReturnData).Expression;
    expect(expression).toBe('IF(inv >= 20 AND bad >= 6, 100 * bad / inv, 0)');
    expect(first('error-rate-warning-all').Threshold).toBe(1);
    expect(named('throttle-rate')).toHaveLength(6);
    expect(named('output-tokens-anomaly')).toHaveLength(3);
    expect(first('cost-anomaly')).toMatchObject({
      ComparisonOperator: 'GreaterThanUpperThreshold',
      ThresholdMetricId: 'band',
    });
    expect(named('quota-tpm')).toHaveLength(2);
    expect(first('quota-tpm-warning').Threshold).toBe(80);
    expect(first('quota-rpm-critical').Threshold).toBe(95);
    for (const a of alarms) {
      expect(a.TreatMissingData, a.AlarmName).toBeDefined();
      expect(a.DatapointsToAlarm, a.AlarmName).toBeLessThanOrEqual(a.EvaluationPeriods);
      expect(a.AlarmDescription, a.AlarmName).toContain('Why these settings:');
    }
  });

  it('pages through a composite only when latency is anomalous AND the error rate is above warning', () => {
    const composites = resourcesOfType(direct, 'AWS::CloudWatch::CompositeAlarm').map(([, c]) => c);
    expect(composites).toHaveLength(3);
    const all = composites.find((c) => c.Properties.AlarmName.endsWith('-all'));
    expect(all?.Properties.AlarmRule).toBe(
      'ALARM("bedrock-watch-prod-latency-anomaly-all") AND ALARM("bedrock-watch-prod-error-rate-warning-all")',
    );
    expect(all?.Properties.AlarmActions).toEqual([{ Ref: 'CriticalTopic' }]);
    const anomaly = resourcesOfType(direct, 'AWS::CloudWatch::Alarm').find(([, a]) =>
      a.Properties.AlarmName.endsWith('latency-anomaly-all'),
    );
    expect(anomaly?.[1].Properties.ActionsEnabled).toBe(false);
  });

  it('watches the pipeline itself', () => {
    const names = resourcesOfType(direct, 'AWS::CloudWatch::Alarm').map(
      ([, a]) => a.Properties.AlarmName as string,
    );
    for (const key of [
      'ingest-errors',
      'failure-queue-depth',
      'rejected-records',
      'unpriced-invocations',
      'emf-rejected',
      'bedrock-log-delivery',
      'delivery-lag',
    ]) {
      expect(names).toContain(`bedrock-watch-prod-pipeline-${key}`);
    }
    const emf = resourcesOfType(direct, 'AWS::CloudWatch::Alarm').find(([, a]) =>
      a.Properties.AlarmName.endsWith('emf-rejected'),
    )?.[1];
    const metrics = emf?.Properties.Metrics.filter((m: any) => m.MetricStat).map(
      (m: any) => m.MetricStat.Metric,
    );
    expect(metrics).toEqual([
      {
        Namespace: 'AWS/Logs',
        MetricName: 'EMFValidationErrors',
        Dimensions: [{ Name: 'LogGroupName', Value: '/aws/lambda/bedrock-watch-prod-ingest' }],
      },
      {
        Namespace: 'AWS/Logs',
        MetricName: 'EMFParsingErrors',
        Dimensions: [{ Name: 'LogGroupName', Value: '/aws/lambda/bedrock-watch-prod-ingest' }],
      },
    ]);
  });

  it('builds the four dashboards, the cross-region one with a region per metric', () => {
    const dashboards: Record<string, any> = Object.fromEntries(
      resourcesOfType(direct, 'AWS::CloudWatch::Dashboard').map(([, d]) => [
        resolveIn(direct, d.Properties.DashboardName, 'aws', 'us-east-1'),
        JSON.parse(d.Properties.DashboardBody['Fn::Sub']),
      ]),
    );
    expect(Object.keys(dashboards).sort()).toEqual([
      'bedrock-watch-prod-executive-us-east-1',
      'bedrock-watch-prod-model-comparison-us-east-1',
      'bedrock-watch-prod-operations-us-east-1',
      'bedrock-watch-prod-regions-us-east-1',
    ]);
    const titles = (name: string) =>
      dashboards[name].widgets.map((w: any) => w.properties.title).filter(Boolean);
    expect(titles('bedrock-watch-prod-operations-us-east-1')).toEqual(
      expect.arrayContaining([
        'Invocations per model',
        'Errors by class (all models)',
        'Latency p50 / p95 / p99 (all models, ms)',
        'Pipeline: lag and failures',
      ]),
    );
    expect(titles('bedrock-watch-prod-model-comparison-us-east-1')).toEqual([
      'p95 latency (ms)',
      'Error rate (%)',
      'Cost per 1,000 invocations (USD)',
      'Output / input token ratio',
      'Truncated answers (% of calls)',
      'Guardrail interventions (% of calls)',
    ]);
    const executive = dashboards['bedrock-watch-prod-executive-us-east-1'];
    expect(executive.widgets.some((w: any) => w.type === 'alarm' && w.properties.alarms.length > 0)).toBe(
      true,
    );
    expect(executive.widgets.some((w: any) => w.type === 'text')).toBe(true);
    const regions = dashboards['bedrock-watch-prod-regions-us-east-1'].widgets
      .filter((w: any) => w.type === 'metric')
      .flatMap((w: any) => w.properties.metrics.map((m: any[]) => m.at(-1).region));
    expect(new Set(regions)).toEqual(new Set(['us-east-1', 'us-west-2']));
    for (const dashboard of Object.values(dashboards) as any[]) {
      for (const w of dashboard.widgets) {
        expect(w.width).toBeLessThanOrEqual(24);
        expect(w.x + w.width).toBeLessThanOrEqual(24);
      }
    }
    expect(resourcesOfType(kinesis, 'AWS::CloudWatch::Dashboard')).toHaveLength(3);
  });

  it('names the dashboards after the region they are deployed in, and links them on the partition console (issue 25, items 1 and 13)', () => {
    const names = (region: string) =>
      resourcesOfType(direct, 'AWS::CloudWatch::Dashboard').map(([, d]) =>
        resolveIn(direct, d.Properties.DashboardName, 'aws', region),
      );
    const url = (partition: string, region: string) =>
      resolveIn(direct, direct.Outputs.DashboardOperationsUrl?.Value, partition, region);

    // Dashboards are global per account: the same stage in two regions needs two sets of names.
    expect(names('eu-west-1')).toContain('bedrock-watch-prod-operations-eu-west-1');
    expect(names('us-east-1').filter((n) => names('eu-west-1').includes(n))).toEqual([]);
    expect(url('aws', 'eu-west-1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=bedrock-watch-prod-operations-eu-west-1',
    );
    expect(url('aws-cn', 'cn-north-1')).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\/cloudwatch\/.*name=bedrock-watch-prod-operations-cn-north-1$/,
    );
    expect(url('aws-us-gov', 'us-gov-west-1')).toMatch(
      /^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\/cloudwatch\//,
    );
  });

  it('reads only metrics the ingest function and the metric filters actually emit, with their units and dimensions', () => {
    const uses = metricUses(direct);
    expect(uses.filter((u) => u.namespace === 'BedrockWatch').length).toBeGreaterThan(100);
    expect(contractProblems(uses, emitted, 'BedrockWatch', 'bedrock-watch-prod')).toEqual([]);
    expect(contractProblems(metricUses(kinesis), emitted, 'BedrockWatch', 'bedrock-watch-dev')).toEqual([]);
  });

  it('with the essential set, reads only what that set emits, and from AWS/Bedrock only its documented runtime metrics per ModelId', () => {
    const uses = metricUses(essential);
    const runtime = new Set<string>([
      ...Object.values(AWS_BEDROCK_METRIC),
      'ModelInvocationLogsCloudWatchDeliveryFailure',
      'ModelInvocationLargeDataS3DeliveryFailure',
    ]);
    const bedrock = uses.filter((u) => u.namespace === 'AWS/Bedrock');

    expect(contractProblems(uses, emittedEssential, 'BedrockWatch', 'bedrock-watch-prod')).toEqual([]);
    expect(bedrock.map((u) => u.metricName).filter((n) => !runtime.has(n))).toEqual([]);
    expect(bedrock.filter((u) => u.metricName === 'InvocationLatency').length).toBeGreaterThan(0);
    expect(bedrock.every((u) => Object.keys(u.dimensions).every((d) => d === 'ModelId'))).toBe(true);
    // The complete set reads series the essential set does not publish: the check tells them apart.
    expect(
      contractProblems(metricUses(direct), emittedEssential, 'BedrockWatch', 'bedrock-watch-prod').length,
    ).toBeGreaterThan(0);
  });

  const names = (t: Template) =>
    [
      ...resourcesOfType(t, 'AWS::CloudWatch::Alarm'),
      ...resourcesOfType(t, 'AWS::CloudWatch::CompositeAlarm'),
    ]
      .map(([, a]) => a.Properties.AlarmName as string)
      .filter(
        (n) => !n.includes('token-spike') && !n.includes('budget') && !n.includes('top-contributor-tokens'),
      )
      .sort();

  it('has the same alarms in both metric sets, but per-model answer quality (all models only in essential)', () => {
    const perModelQuality = (n: string) => /-(truncation|guardrail)-rate-warning-(?!all$)/.test(n);
    expect(names(direct).filter(perModelQuality).length).toBeGreaterThan(0);
    expect(names(essential)).toEqual(names(direct).filter((n) => !perModelQuality(n)));
  });

  it('reads attribution from Contributor Insights rules over the attribution lines, bounded by keys, not values', () => {
    for (const template of [direct, essential]) {
      const rules = resourcesOfType(template, 'AWS::CloudWatch::InsightRule').map(([, r]) => r.Properties);
      const ruleNames = new Set(rules.map((r) => r.RuleName as string));
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        const body = JSON.parse(rule.RuleBody);
        expect(body.LogGroupNames).toEqual(['/aws/lambda/bedrock-watch-prod-ingest']);
        // Every field the rule reads is one the attribution lines carry.
        const key = (body.Contribution.Keys[0] as string).slice(2);
        const value = (body.Contribution.ValueOf as string).slice(2);
        expect(
          attributionLines.some((l) => typeof l[key] === 'string' && typeof l[value] === 'number'),
          rule.RuleName,
        ).toBe(true);
      }
      // Every INSIGHT_RULE_METRIC and every insight widget names a rule of the stack.
      const alarmRules = resourcesOfType(template, 'AWS::CloudWatch::Alarm').flatMap(([, a]) =>
        (a.Properties.Metrics ?? []).flatMap((q: { Expression?: string }) =>
          [...(q.Expression ?? '').matchAll(/INSIGHT_RULE_METRIC\('([^']+)'/g)].map((m) => m[1]),
        ),
      );
      const widgetRules = resourcesOfType(template, 'AWS::CloudWatch::Dashboard').flatMap(([, d]) =>
        (JSON.parse(d.Properties.DashboardBody['Fn::Sub']).widgets as Widget[]).flatMap((w) => {
          const rule = (w.properties.insightRule as { ruleName?: string } | undefined)?.ruleName;
          return rule ? [rule] : [];
        }),
      );
      expect(alarmRules.length).toBeGreaterThan(0);
      expect(widgetRules.length).toBeGreaterThan(0);
      for (const name of [...alarmRules, ...widgetRules])
        expect(ruleNames.has(name as string), name).toBe(true);
    }
    expect(resourcesOfType(direct, 'AWS::Logs::QueryDefinition').length).toBeGreaterThan(0);
    // No metric series per attribution value, except the cost of the values a budget names.
    expect(
      emitted.filter((e) => e.dimensionNames.includes('team') || e.dimensionNames.includes('Caller')),
    ).toEqual([]);
    const fromHourly = new Set<string>(Object.values(MONTH_TO_DATE));
    expect(
      emittedEssential.filter((e) => e.dimensionNames.includes('team') && !fromHourly.has(e.metricName)),
    ).toEqual([{ metricName: 'CostUSD', unit: 'None', dimensionNames: ['service', 'team'] }]);
  });

  it('catches a typo in a metric name, a dimension or a unit', () => {
    const broken = JSON.parse(JSON.stringify(direct)) as Template;
    const latency = Object.values(broken.Resources)
      .flatMap((r) => (r.Type === 'AWS::CloudWatch::Alarm' ? (r.Properties?.Metrics ?? []) : []))
      .find((m: any) => m.MetricStat?.Metric?.MetricName === 'Latency');
    if (!latency) throw new Error('no alarm on Latency');
    latency.MetricStat.Metric.MetricName = 'Latancy';
    const withUnit = Object.values(broken.Resources).find(
      (r) =>
        r.Type === 'AWS::CloudWatch::Alarm' &&
        r.Properties?.Metrics?.[0]?.MetricStat?.Unit &&
        r.Properties.Metrics[0].MetricStat.Metric.MetricName !== 'Latancy',
    );
    if (!withUnit) throw new Error('no alarm with a unit');
    withUnit.Properties.Metrics[0].MetricStat.Unit = 'Seconds';
    const problems = contractProblems(metricUses(broken), emitted, 'BedrockWatch', 'bedrock-watch-prod');
    expect(problems.some((p) => p.includes('nobody emits Latancy'))).toBe(true);
    expect(problems.some((p) => p.includes('unit Seconds'))).toBe(true);
    const wrongDims = contractProblems(
      [{ where: 'x', namespace: 'BedrockWatch', metricName: 'Invocations', dimensions: { Model: 'm' } }],
      emitted,
      'BedrockWatch',
      'bedrock-watch',
    );
    expect(wrongDims).toEqual(['x: Invocations is not emitted under [Model]']);
  });

  it('gives each stage its own service dimension, so two stages in one account do not add up (issue 25, item 9)', () => {
    const serviceOf = (t: Template) =>
      t.Resources.IngestLambdaFunction?.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME;
    const alarmServices = (t: Template) =>
      new Set(
        metricUses(t).flatMap((u) => (u.dimensions.service === undefined ? [] : [u.dimensions.service])),
      );

    expect(serviceOf(defaults)).toBe('bedrock-watch-dev');
    expect(serviceOf(direct)).toBe('bedrock-watch-prod');
    // What the alarms and dashboards read is what that stage's functions publish.
    expect(alarmServices(defaults)).toEqual(new Set(['bedrock-watch-dev']));
    expect(alarmServices(direct)).toEqual(new Set(['bedrock-watch-prod']));
    expect(
      withStackDefaults({ serviceName: 'bedrock-watch' }, { service: 'bedrock-watch', stage: 'prod' }),
    ).toEqual({ serviceName: 'bedrock-watch' });
  });

  it('creates top-contributor alarms after their rule, and keeps the failure queues on delete (issue 25, item 13)', () => {
    const alarms = resourcesOfType(direct, 'AWS::CloudWatch::Alarm').filter(([id]) =>
      id.startsWith('AlarmTopContributor'),
    );
    const rules = new Set(resourcesOfType(direct, 'AWS::CloudWatch::InsightRule').map(([id]) => id));

    expect(alarms.map(([id, a]) => [id, a.DependsOn])).toEqual([
      ['AlarmTopContributorCostCaller', ['InsightRuleCallerCost']],
      ['AlarmTopContributorCostTeam', ['InsightRuleTeamCost']],
    ]);
    for (const [, alarm] of alarms)
      for (const rule of alarm.DependsOn ?? []) expect(rules.has(rule)).toBe(true);
    for (const [template, queue] of [
      [direct, 'IngestFailureQueue'],
      [kinesis, 'IngestFailureQueue'],
    ] as const) {
      expect(template.Resources[queue]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
    const notifier = buildStack(parseStackParameters({ alertTargets: 'hook=webhook:ssm:/bw/hook' }), {
      service: 'bedrock-watch',
      stage: 'dev',
    }).Resources.NotifierFailureQueue;
    expect(notifier).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('grants PutEvents on the remediation bus given by name or by ARN', () => {
    const putEvents = (bus: string) =>
      buildStack(parseStackParameters({ remediationEvents: 'true', remediationEventBus: bus }), {
        service: 'bedrock-watch',
        stage: 'dev',
      }).Resources.NotifierRole?.Properties?.Policies as {
        PolicyDocument: { Statement: Record<string, unknown>[] };
      }[];
    const resourceOf = (bus: string) =>
      putEvents(bus)
        .flatMap((p) => p.PolicyDocument.Statement)
        .find((s) => JSON.stringify(s.Action).includes('events:PutEvents'))?.Resource;

    expect(resourceOf('arn:aws:events:eu-west-1:123456789012:event-bus/ops')).toBe(
      'arn:aws:events:eu-west-1:123456789012:event-bus/ops',
    );
    expect(JSON.stringify(resourceOf('ops'))).toContain(':event-bus/ops');
  });

  it('gives each function only the environment variables it reads (issue 25, item 3)', () => {
    const variables = (id: string) =>
      Object.keys(direct.Resources[id]?.Properties.Environment?.Variables ?? {}).sort();
    const logs = ['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME'];
    const withMetrics = [...logs, 'POWERTOOLS_METRICS_NAMESPACE'].sort();

    expect(variables('IngestLambdaFunction')).toEqual(
      [
        ...withMetrics,
        'BEDROCK_WATCH_ATTRIBUTION',
        'BEDROCK_WATCH_ATTRIBUTION_MAX_VALUES',
        'BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES',
      ].sort(),
    );
    expect(variables('MonthToDateLambdaFunction')).toEqual(withMetrics);
    expect(variables('ReconcileLambdaFunction')).toEqual(withMetrics);
    expect(variables('LoggingConfigLambdaFunction')).toEqual(logs);
    expect(variables('NotifierLambdaFunction')).toEqual(withMetrics);
    expect(variables('FailoverSwitchLambdaFunction')).toEqual(
      [...logs, 'BEDROCK_WATCH_FAILOVER_PREFIX'].sort(),
    );
    expect(direct.Resources.MonthToDateLambdaFunction?.Properties.Environment.Variables.NODE_OPTIONS).toBe(
      '--enable-source-maps',
    );
  });

  it('names every function as the stage-length check computes it', () => {
    const named = resourcesOfType(direct, 'AWS::Lambda::Function')
      .map(([, f]) => f.Properties.FunctionName as string)
      .sort();

    expect(named).toEqual(
      FUNCTION_KEYS.map((key) => functionName({ service: 'bedrock-watch', stage: 'prod' }, key)).sort(),
    );
  });

  it('passes the newest cfn-lint available on every packaged combination', async () => {
    const broken = JSON.parse(JSON.stringify(direct)) as Template;
    (
      broken.Resources.IngestFailureQueue as { Properties: Record<string, unknown> }
    ).Properties.RetentionDays = 14;

    const result = await cfnLint([direct, kinesis, defaults, adopted, essential]);
    const caught = await cfnLint([broken]);

    expect(result.problems, result.linter).toEqual([]);
    expect(caught.problems.length).toBeGreaterThan(0);
  }, 60_000);
});

describe('buildStack with an existing log group', () => {
  const CTX = { service: 'bedrock-watch', stage: 'dev' };

  it("adopts it: no log group of its own, but Bedrock still logs there through the stack's role", () => {
    const { Resources } = buildStack(
      parseStackParameters({ existingLogGroup: '/aws/bedrock/modelinvocations' }),
      CTX,
    );

    // A retained group from an earlier stack, or the account's own, is not created again ("already exists").
    expect(Object.values(Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup')).toEqual([]);
    const write = JSON.stringify(Resources.BedrockLoggingRole?.Properties?.Policies);
    expect(write).toContain(
      ':log-group:/aws/bedrock/modelinvocations:log-stream:aws/bedrock/modelinvocations',
    );
    expect(Resources.InvocationLoggingConfig?.Properties).toMatchObject({
      LogGroupName: '/aws/bedrock/modelinvocations',
      RoleArn: { 'Fn::GetAtt': ['BedrockLoggingRole', 'Arn'] },
    });
    // Only the grant that lets a stack delete put the account's earlier setting back (issue 25, item 7).
    expect(Resources.InvocationLoggingConfig?.DependsOn).toEqual(['EarlierLoggingRolePassPolicy']);
    expect(Resources.InvocationSubscription?.Properties?.LogGroupName).toBe('/aws/bedrock/modelinvocations');
    expect(Resources.InvocationSubscription?.DependsOn).toEqual([
      'IngestSubscriptionPermission',
      'InvocationLoggingConfig',
    ]);
  });

  it('with manageInvocationLogging=false, only subscribes: no Bedrock role and no logging configuration', () => {
    const { Resources } = buildStack(
      parseStackParameters({ existingLogGroup: '/my/bedrock/logs', manageInvocationLogging: 'false' }),
      CTX,
    );

    expect(Resources.InvocationLogGroup).toBeUndefined();
    expect(Resources.BedrockLoggingRole).toBeUndefined();
    expect(Resources.InvocationLoggingConfig).toBeUndefined();
    expect(Resources.EarlierLoggingRolePassPolicy).toBeUndefined();
    expect(JSON.stringify(Resources.LoggingConfigRole)).not.toContain('iam:PassRole');
    expect(Resources.InvocationSubscription?.Properties?.LogGroupName).toBe('/my/bedrock/logs');
  });
});

describe('serverless invoke local', () => {
  it('runs the ingest function on an event from events/ and exits', async () => {
    // Before: "Cannot find module …/handler" (the bundle was .mjs), then a hang on the open esbuild context.
    const { stdout } = await runServerless(
      ['invoke', 'local', '-f', 'ingest', '--path', 'events/fixtures/subscription-lambda-event.json'],
      90_000,
    );

    expect(stdout).toMatch(/"received": 3/);
    const emf = stdout.split('\n').filter((line) => line.includes('"_aws"'));
    expect(emf.some((line) => line.includes('"RecordsReceived":3'))).toBe(true);
  }, 120_000);
});

describe('serverless package with a wrong parameter', () => {
  it.each([
    [
      { watchedModel: 'anthropic.claude-3-haiku-20240307-v1:0' },
      'unknown parameter "watchedModel" (did you mean "watchedModels"?)',
    ],
    [{ kinesisShards: '0' }, 'kinesisShards: a stream needs at least 1 shard'],
    [{ reservedConcurrency: '2.5' }, 'reservedConcurrency: 2.5 is not a whole number'],
    [
      { watchedModels: 'anthropic.claude-3-haiku' },
      'watchedModels: "anthropic.claude-3-haiku" is not a Bedrock model id, inference profile id or ARN (did you mean "anthropic.claude-3-haiku-20240307-v1:0"?); give the id exactly as the invocation logs show it',
    ],
  ])(
    'refuses %o with one line and exit code 1',
    async (params, message) => {
      const result = await packageFailure(params);

      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `bedrock-watch: ${message} (parameters: docs/deploy.md#parameters)`,
      ]);
    },
    60_000,
  );
});

describe('serverless package over an AWS limit (issue 25, items 2 to 4)', () => {
  const models = [...new Set(JSON.stringify(priceData).match(/"[a-z0-9-]+\.[a-z0-9.-]+-v\d+:\d"/g) ?? [])]
    .map((id) => JSON.parse(id) as string)
    .slice(0, 28);
  const sixteen = models.slice(0, 16);
  const profiles = Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [
      `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/profile${String(i).padStart(6, '0')}`,
      'anthropic.claude-3-haiku-20240307-v1:0',
    ]),
  );
  const limits = '\\(limits: docs/deploy\\.md#aws-limits-checked-while-packaging\\)$';

  it.each([
    [
      'a stage that makes a function name longer than 64 characters',
      {},
      ['--stage', 's'.repeat(36)],
      `^bedrock-watch: stage "s{36}" makes the function name "bedrock-watch-s{36}-failoverSwitch" 65 characters, over Lambda's 64: use a stage of at most 35 characters ${limits}`,
    ],
    [
      "an environment over Lambda's 4 KB",
      { configJson: JSON.stringify({ inferenceProfiles: profiles }) },
      [],
      `^bedrock-watch: the ingest function's environment would be \\d+ bytes \\(keys and values\\), over Lambda's 4096; configJson adds \\d+ bytes: shorten it ${limits}`,
    ],
    [
      'more than 500 resources',
      {
        quotas: sixteen.map((m) => `${m}=100000:100`).join(';'),
        concurrencyLimits: sixteen.map((m) => `${m}=10`).join(';'),
        modelBudgets: sixteen.map((m) => `${m}=100`).join(';'),
        // 25 keys: 100 Contributor Insights rules, the most a region takes (checked on its own
        // below); 8 watched models take the stack past 500 with the keys still the largest part.
        attributionKeys: Array.from({ length: 25 }, (_, i) => `key${i}`).join(','),
        watchedModels: sixteen.slice(0, 8).join(','),
      },
      [],
      `^bedrock-watch: the template would have 5\\d\\d resources, over CloudFormation's 500; attributionKeys adds \\d+ resources: trim it ${limits}`,
    ],
    [
      'a template over 1 MB',
      { watchedModels: models.join(',') },
      [],
      `^bedrock-watch: the template would have \\d{7} bytes, over CloudFormation's 1000000; watchedModels adds \\d+ bytes: trim it ${limits}`,
    ],
  ])(
    'refuses %s with one line and exit code 1',
    async (_what, params, args, line) => {
      const result = await packageFailure(params, args);

      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines.filter((l) => l.startsWith('bedrock-watch:'))).toHaveLength(1);
      expect(lines.at(-1)).toMatch(new RegExp(line));
    },
    60_000,
  );

  it('refuses more Contributor Insights rules than a region takes (issue 25, item 13)', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `key${i}`).join(',');
    const build = (raw: Record<string, string>) =>
      buildStack(parseStackParameters(raw), { service: 'bedrock-watch', stage: 'dev' });

    expect(() => build({ attributionKeys: keys(26) })).toThrow(
      "attributionKeys: 26 keys make 104 Contributor Insights rules, over CloudWatch's 100 per region (rules outside this stack count too): use at most 25 keys",
    );
    expect(() => build({ attributionKeys: keys(51), metricSet: 'essential' })).toThrow(
      /51 keys make 102 Contributor Insights rules.*use at most 50 keys/,
    );
    expect(
      resourcesOfType(
        build({ attributionKeys: keys(25) }) as unknown as Template,
        'AWS::CloudWatch::InsightRule',
      ),
    ).toHaveLength(100);
  });

  it("builds a stage of the longest length that fits, and the issue's 2.9 KB configJson with six alert targets", () => {
    const configJson = JSON.stringify({
      inferenceProfiles: Object.fromEntries(Object.entries(profiles).slice(0, 23)),
    });
    const params = parseStackParameters({
      configJson,
      alertTargets: Array.from(
        { length: 6 },
        (_, i) => `ops${i}=webhook:ssm:/bedrock-watch/webhook-${i}`,
      ).join(';'),
    });

    const built = buildStack(params, { service: 'bedrock-watch', stage: 's'.repeat(35) });

    expect(configJson.length).toBeGreaterThan(2900);
    expect(built.environment.ingest.BEDROCK_WATCH_CONFIG).toBe(configJson);
    expect(built.environment.notifier.BEDROCK_WATCH_NOTIFIER).toBeDefined();
    expect(built.environment.notifier.BEDROCK_WATCH_CONFIG).toBeUndefined();
    expect(built.environment.monthToDate.BEDROCK_WATCH_CONFIG).toBeUndefined();
  });
});

describe('buildDashboards', () => {
  const CTX = ingestNames({ service: 'bedrock-watch', stage: 'dev' });
  const params = parseStackParameters({ watchedModels: 'anthropic.claude-3-haiku-20240307-v1:0' });
  const boards = () => {
    const alarms = buildAlarmDefinitions(params, CTX);
    return Object.fromEntries(buildDashboards(params, CTX, alarms).map((d) => [d.key, d.body.widgets]));
  };
  const titled = (widgets: Widget[] | undefined, title: string) =>
    widgets?.find((w) => w.properties.title === title)?.properties;

  it('shows cost per day as one point per day over the month, not a single bar', () => {
    const widgets = boards().executive;

    const cost = titled(widgets, 'Cost per day (USD)');

    expect(cost).toMatchObject({ view: 'timeSeries', period: 86_400 });
  });

  it('computes the dashboard error rate without throttling, as the alarms do', () => {
    const widgets = boards()['model-comparison'];

    const lines = JSON.stringify(titled(widgets, 'Error rate (%)')?.metrics);

    expect(lines).not.toContain(ERROR_METRICS.Throttling.name);
    expect(lines).toContain(ERROR_METRICS.Server.name);
  });

  it('names alarms in the alarm-status widget with the partition, so China and GovCloud work', () => {
    const widgets = boards().executive;

    const arns = (widgets?.find((w) => w.type === 'alarm')?.properties.alarms ?? []) as string[];

    expect(arns.length).toBeGreaterThan(0);
    for (const a of arns) expect(a).toMatch(/^arn:\$\{AWS::Partition\}:cloudwatch:\$\{AWS::Region\}:/);
  });
});

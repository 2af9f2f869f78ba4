import { describe, expect, it } from 'vitest';
import { alarmResources } from '../deploy/stack/index';
import { ALARM_FAMILIES } from '../shared/contract/alarm-families';
import {
  type AlarmDefinition,
  buildAlarmDefinitions,
  type StackNames,
  scopeToken,
} from '../shared/monitoring/alarms/index';
import { parseStackParameters } from '../shared/monitoring/parameters';

const CTX: StackNames = {
  namePrefix: 'bedrock-watch-test',
  ingestFunctionName: 'bedrock-watch-test-ingest',
  ingestLogGroupName: '/aws/lambda/bedrock-watch-test-ingest',
  failureQueueName: 'bedrock-watch-test-ingest-failures',
};
// An application inference profile ARN is logged as the model id, so it must survive as the scope.
const WATCHED = [
  'anthropic.claude-3-haiku-20240307-v1:0',
  'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123',
];
const QUOTA_MODELS = ['amazon.nova-lite-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0'];

/** Per scope, in emission order. */
const PER_SCOPE_FAMILIES = [
  'latency-p95',
  'latency-p95',
  'error-rate',
  'error-rate',
  // Client errors warn only (clientErrorRateCriticalPct is 0 by default).
  'client-error-rate',
  'throttle-rate',
  'throttle-rate',
  'output-tokens-anomaly',
  'cost-anomaly',
  'latency-anomaly',
  'latency-and-errors',
  'truncation-rate',
  'guardrail-rate',
];
const PIPELINE_FAMILIES = [
  'pipeline-ingest-errors',
  'pipeline-failure-queue-depth',
  'pipeline-rejected-records',
  'pipeline-unpriced-invocations',
  'pipeline-emf-rejected',
  'pipeline-bedrock-log-delivery',
  'pipeline-delivery-lag',
];
const DOCUMENTED_FAMILIES = new Set([
  ...PER_SCOPE_FAMILIES,
  'quota-tpm',
  'quota-rpm',
  'concurrency',
  'estimated-tpm-quota',
  ...PIPELINE_FAMILIES,
  'pipeline-bedrock-large-data-delivery',
  // The daily comparison with the bill (billReconciliation, on by default): one alarm, scope all.
  'bill-drift',
  // The scheduled functions' runs (issue 25, item 10): scope pipeline, before the pipeline families.
  'scheduled-errors',
  'scheduled-not-running',
]);

const withModels = () =>
  parseStackParameters({
    watchedModels: WATCHED.join(','),
    quotas: QUOTA_MODELS.map((m) => `${m}=200000:100`).join(';'),
  });
const ofScope = (defs: AlarmDefinition[], scope: string) => defs.filter((d) => d.scope === scope);
/** Scope pipeline without the scheduled functions' alarms (test/scheduled-alarms.test.ts). */
const pipelineHealth = (defs: AlarmDefinition[]) =>
  ofScope(defs, 'pipeline').filter((d) => !d.family.startsWith('scheduled-'));

describe('alarm families', () => {
  it('gives every definition a family from the documented set', () => {
    const params = withModels();

    const defs = buildAlarmDefinitions(params, CTX);

    expect(defs.length).toBeGreaterThan(0);
    for (const d of defs) expect(DOCUMENTED_FAMILIES, d.key).toContain(d.family);
  });

  it('deploys every family of the contract with every option on, and none other', () => {
    const everything = parseStackParameters({
      watchedModels: WATCHED.join(','),
      quotas: QUOTA_MODELS.map((m) => `${m}=200000:100`).join(';'),
      concurrencyLimits: `${QUOTA_MODELS[0]}=50`,
      largeDataBucket: 'create',
      monthlyBudgetUsd: '100',
      attributionKeys: 'team',
      teamBudgets: 'team/search=10',
      topContributorCostPerHourUsd: '5',
      topContributorTokensPerHour: '100000',
      tokenSpikeAlarms: 'true',
      alertTargets: 'slack=slack:ssm:/bw/slack',
    });

    const families = new Set(buildAlarmDefinitions(everything, CTX).map((d) => d.family));

    expect([...families].sort()).toEqual([...ALARM_FAMILIES].sort());
  });

  it('scopes every definition to all, a watched or quota model id as logged, or pipeline', () => {
    const params = withModels();
    const allowed = new Set(['all', 'pipeline', ...WATCHED, ...QUOTA_MODELS]);

    const defs = buildAlarmDefinitions(params, CTX);

    for (const d of defs) expect(allowed, d.key).toContain(d.scope);
  });

  it('emits every per-scope family, in order, for all models and for each watched model', () => {
    const params = withModels();

    const defs = buildAlarmDefinitions(params, CTX);

    for (const scope of ['all', ...WATCHED]) {
      const perScope = ofScope(defs, scope).filter(
        (d) =>
          !d.family.startsWith('quota-') && d.family !== 'bill-drift' && d.family !== 'estimated-tpm-quota',
      );
      expect(
        perScope.map((d) => d.family),
        scope,
      ).toEqual(PER_SCOPE_FAMILIES);
    }
  });

  it('emits tokens- and requests-per-minute quota alarms at both levels for each quota model', () => {
    const params = withModels();

    const defs = buildAlarmDefinitions(params, CTX);

    for (const modelId of QUOTA_MODELS) {
      const quotas = ofScope(defs, modelId).filter((d) => d.family.startsWith('quota-'));
      expect(quotas.map((d) => d.key)).toEqual(
        ['quota-tpm-warning', 'quota-tpm-critical', 'quota-rpm-warning', 'quota-rpm-critical'].map(
          (prefix) => `${prefix}-${scopeToken(modelId)}`,
        ),
      );
    }
  });

  it('emits each pipeline family once, last, scoped to pipeline', () => {
    const params = withModels();

    const defs = buildAlarmDefinitions(params, CTX);

    const tail = defs.slice(-PIPELINE_FAMILIES.length);
    expect(tail.map((d) => d.family)).toEqual(PIPELINE_FAMILIES);
    expect(tail.map((d) => d.scope)).toEqual(PIPELINE_FAMILIES.map(() => 'pipeline'));
    expect(pipelineHealth(defs)).toHaveLength(PIPELINE_FAMILIES.length);
  });

  it('watches large-body delivery to S3 only while a large-data bucket is used', () => {
    const withBucket = buildAlarmDefinitions(parseStackParameters({ largeDataBucket: 'my-bodies' }), CTX);
    const without = buildAlarmDefinitions(parseStackParameters({}), CTX);

    const families = pipelineHealth(withBucket).map((d) => d.family);
    expect(families).toEqual([
      ...PIPELINE_FAMILIES.slice(0, -1),
      'pipeline-bedrock-large-data-delivery',
      ...PIPELINE_FAMILIES.slice(-1),
    ]);
    expect(withBucket.find((d) => d.family === 'pipeline-bedrock-large-data-delivery')).toMatchObject({
      level: 'warning',
      queries: [
        { metric: { namespace: 'AWS/Bedrock', metricName: 'ModelInvocationLargeDataS3DeliveryFailure' } },
      ],
    });
    expect(pipelineHealth(without).map((d) => d.family)).toEqual(PIPELINE_FAMILIES);
  });

  it('gives every definition a unique key that starts with its family', () => {
    const params = withModels();

    const defs = buildAlarmDefinitions(params, CTX);

    expect(new Set(defs.map((d) => d.key)).size).toBe(defs.length);
    for (const d of defs) expect(d.key.startsWith(`${d.family}-`) || d.key === d.family, d.key).toBe(true);
  });

  it('keeps family and scope out of the CloudFormation alarms', () => {
    const defs = buildAlarmDefinitions(withModels(), CTX);
    const stripped = defs.map(({ family: _family, scope: _scope, ...rest }) => rest) as AlarmDefinition[];
    const topics = { warning: { Ref: 'WarningTopic' }, critical: { Ref: 'CriticalTopic' } };

    const resources = alarmResources(defs, topics);

    expect(resources).toEqual(alarmResources(stripped, topics));
  });

  it('has every alarm, with the same keys and levels, in both metric sets, but per-model answer quality in essential', () => {
    const essential = parseStackParameters({
      watchedModels: WATCHED.join(','),
      quotas: QUOTA_MODELS.map((m) => `${m}=200000:100`).join(';'),
      metricSet: 'essential',
    });

    const complete = buildAlarmDefinitions(withModels(), CTX);
    const lean = buildAlarmDefinitions(essential, CTX);

    // AWS/Bedrock has no truncation or guardrail count, and essential publishes ours for all models
    // only: its quality alarms watch all models; every other alarm is in both sets.
    const perModelQuality = (d: { family: string; scope: string }) =>
      (d.family === 'truncation-rate' || d.family === 'guardrail-rate') && d.scope !== 'all';
    expect(complete.filter(perModelQuality).length).toBe(2 * WATCHED.length);
    expect(lean.map((d) => [d.key, d.level])).toEqual(
      complete.filter((d) => !perModelQuality(d)).map((d) => [d.key, d.level]),
    );
  });

  it('with the essential set, points per-model alarms at AWS/Bedrock per ModelId where ours are not published', () => {
    const params = parseStackParameters({ watchedModels: WATCHED[0], metricSet: 'essential' });
    const defs = buildAlarmDefinitions(params, CTX);
    const metricsOf = (key: string) =>
      defs
        .filter((d) => d.key === key)
        .flatMap((d) => (d.kind === 'metric' ? d.queries.flatMap((q) => (q.metric ? [q.metric] : [])) : []));
    const token = scopeToken(WATCHED[0] as string);

    // The count of calls slower than the threshold guards the percentile (minBadEventsForRate).
    expect(metricsOf(`latency-p95-warning-${token}`)).toEqual(
      ['p95', 'TC(3000:)'].map((stat) => ({
        namespace: 'AWS/Bedrock',
        metricName: 'InvocationLatency',
        dimensions: { ModelId: WATCHED[0] },
        stat,
        period: 300,
      })),
    );
    // Service errors page; AWS/Bedrock's client errors (validation, auth, but also timeouts and
    // model errors) are the client-error rate's. AWS's Invocations counts successful calls only, so
    // every rate's calls are Invocations + throttles + client + server errors, each metric read once.
    expect(metricsOf(`error-rate-warning-${token}`).map((m) => m.metricName)).toEqual([
      'InvocationServerErrors',
      'Invocations',
      'InvocationThrottles',
      'InvocationClientErrors',
    ]);
    expect(metricsOf(`client-error-rate-warning-${token}`).map((m) => m.metricName)).toEqual([
      'InvocationClientErrors',
      'Invocations',
      'InvocationThrottles',
      'InvocationServerErrors',
    ]);
    expect(metricsOf(`throttle-rate-warning-${token}`).map((m) => [m.namespace, m.metricName])).toEqual([
      ['AWS/Bedrock', 'InvocationThrottles'],
      ['AWS/Bedrock', 'Invocations'],
      ['AWS/Bedrock', 'InvocationClientErrors'],
      ['AWS/Bedrock', 'InvocationServerErrors'],
    ]);
    // Cost is not in AWS/Bedrock: the essential set publishes it per model.
    expect(metricsOf(`cost-anomaly-${token}`).map((m) => [m.namespace, m.metricName])).toEqual([
      ['BedrockWatch', 'CostUSD'],
    ]);
    // All models: AWS/Bedrock has no all-models series an alarm can read, so ours stay.
    expect(metricsOf('latency-p95-warning-all')[0]).toMatchObject({
      namespace: 'BedrockWatch',
      metricName: 'Latency',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { givenParameterNames, packageErrorLine, withStackDefaults } from '../deploy/given-parameters';
import { ConfigError } from '../shared/ingest/config';
import {
  closestModelId,
  DEFAULT_STACK_PARAMETERS,
  isWatchableModelId,
  parseStackParameters,
} from '../shared/monitoring/parameters';

describe('parseStackParameters', () => {
  it.each([
    [{ kinesisRetentionHours: '12' }, /kinesisRetentionHours: 12 is not between 24 and 8760/],
    [{ kinesisRetentionHours: '9000' }, /kinesisRetentionHours: 9000 is not between 24 and 8760/],
    [{ kinesisShards: '0' }, /kinesisShards: a stream needs at least 1 shard/],
    [{ kinesisShards: '1.5' }, /kinesisShards: 1.5 is not a whole number/],
    [{ reservedConcurrency: '2.5' }, /reservedConcurrency: 2.5 is not a whole number/],
    [{ maximumRetryAttempts: '1.5' }, /maximumRetryAttempts: 1.5 is not a whole number/],
    [
      { quotas: 'amazon.nova-lite-v1:0=0:100' },
      /quotas: amazon.nova-lite-v1:0 needs whole numbers of at least 1/,
    ],
    [
      { quotas: 'amazon.nova-lite-v1:0=1000:0' },
      /quotas: amazon.nova-lite-v1:0 needs whole numbers of at least 1/,
    ],
    [{ quotas: { m: { tokensPerMinute: 0, requestsPerMinute: 5 } } }, /quotas: m needs whole numbers/],
    [{ metricsNamespace: 'Bedrock Watch' }, /metricsNamespace: "Bedrock Watch" may use only letters/],
    [{ metricsNamespace: 'AWS/Bedrock' }, /may not start with AWS\//],
    [
      { largeDataBucket: 'My_Bucket' },
      /largeDataBucket: "My_Bucket" is neither create nor an S3 bucket name/,
    ],
    [{ existingLogGroup: 'has space' }, /existingLogGroup: "has space" is not a CloudWatch Logs group name/],
    [{ quotaWarningPct: '96' }, /quotaWarningPct must not exceed quotaCriticalPct/],
    [{ throttleRateWarningPct: '6' }, /throttleRateWarningPct must not exceed throttleRateCriticalPct/],
    [{ attributionMaxValues: '0' }, /attributionMaxValues: must be at least 1/],
    [
      { attributionKeys: 'team,cost-center' },
      'attributionKeys: "cost-center" contains "-", which Contributor Insights rule paths ($.cost-center) cannot quote, so its top-N rules would match nothing; use a requestMetadata key of letters, digits and _',
    ],
    [{ attributionKeys: 'org.unit' }, /attributionKeys: "org.unit" contains "\."/],
    [{ metricSet: 'minimal' }, /metricSet: "minimal" is not complete or essential/],
    [
      { topContributorCostPerHourUsd: '25' },
      /topContributorCostPerHourUsd, topContributorTokensPerHour: need attributionKeys/,
    ],
  ])('refuses %o', (raw, message) => {
    expect(() => parseStackParameters(raw)).toThrow(message);
  });

  it('accepts the defaults and values at the edges of the ranges', () => {
    const params = parseStackParameters({
      kinesisRetentionHours: '8760',
      kinesisShards: '1',
      quotas: 'amazon.nova-lite-v1:0=1:1',
      metricsNamespace: 'Team/Bedrock-Watch_1',
      largeDataBucket: 'my.bucket-1',
    });

    expect(params.kinesisRetentionHours).toBe(8760);
    expect(params.quotas).toEqual({ 'amazon.nova-lite-v1:0': { tokensPerMinute: 1, requestsPerMinute: 1 } });
    expect(parseStackParameters({})).toEqual(DEFAULT_STACK_PARAMETERS);
  });

  it('reserves no concurrency by default, so accounts with a small concurrency quota can deploy', () => {
    expect(DEFAULT_STACK_PARAMETERS.reservedConcurrency).toBe(0);
  });
});

describe('watched models that exist', () => {
  it.each([
    'anthropic.claude-3-haiku-20240307-v1:0',
    'us.anthropic.claude-3-haiku-20240307-v1:0',
    'amazon.nova-lite-v1:0',
    'anthropic.claude-3-5-sonnet-20240620-v1:0:200k',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0',
    'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
  ])('accepts %s (a model id with its version, an inference profile or a Bedrock ARN)', (id) => {
    expect(isWatchableModelId(id)).toBe(true);
    expect(() => parseStackParameters({ watchedModels: id })).not.toThrow();
  });

  it.each([
    ['anthropic.claude-3-haiku', 'anthropic.claude-3-haiku-20240307-v1:0'],
    ['us.anthropic.claude-3-haiku', 'us.anthropic.claude-3-haiku-20240307-v1:0'],
    ['amazon.nova-lite', 'amazon.nova-lite-v1:0'],
    ['arn:aws:s3:::bucket/model', undefined],
  ])('refuses %s, naming the closest known id', (id, near) => {
    expect(isWatchableModelId(id)).toBe(false);
    if (near) expect(closestModelId(id)).toBe(near);
    expect(() => parseStackParameters({ watchedModels: id })).toThrow(
      `watchedModels: "${id}" is not a Bedrock model id`,
    );
  });
});

describe('givenParameterNames', () => {
  it('lists the names from --param and from this stage and default under params:, once each', () => {
    const names = givenParameterNames(
      ['watchedModel=a,b', 'quotas=m=1:2', 'watchedModel=c'],
      { default: { metricsNamespace: 'N' }, dev: { criticalEmail: 'x@example.com' }, prod: { typo: 1 } },
      'dev',
    );

    expect(names).toEqual(['watchedModel', 'quotas', 'criticalEmail', 'metricsNamespace']);
  });

  it('accepts a single --param, none, and no params: section', () => {
    expect(givenParameterNames('ingestMode=kinesis', undefined, 'dev')).toEqual(['ingestMode']);
    expect(givenParameterNames(undefined, null, 'dev')).toEqual([]);
    // The framework passes null when no --param was given.
    expect(givenParameterNames(null, { default: { metricsNamespace: 'N' } }, 'dev')).toEqual([
      'metricsNamespace',
    ]);
  });
});

describe('packageErrorLine', () => {
  it('turns a parameter or configuration mistake into one line and leaves bugs alone', () => {
    const line = packageErrorLine(
      (() => {
        try {
          parseStackParameters({ watchedModel: 'x' });
        } catch (error) {
          return error;
        }
      })(),
    );

    expect(line).toBe(
      'bedrock-watch: unknown parameter "watchedModel" (did you mean "watchedModels"?) (parameters: docs/deploy.md#parameters)',
    );
    expect(packageErrorLine(new ConfigError('configJson: bad'))).toContain('configJson: bad');
    expect(packageErrorLine(new TypeError('x is undefined'))).toBeUndefined();
  });
});

describe('parameters AWS would take or refuse only at deploy or run time (issue 25, item 13)', () => {
  it.each([
    [{ criticalEmail: 'oncall' }, 'criticalEmail: "oncall" is not one e-mail address'],
    [
      { warningEmail: 'a@example.com,b@example.com' },
      'warningEmail: "a@example.com,b@example.com" is not one e-mail address',
    ],
    [
      { dashboardRegions: 'us-east-1,Oregon' },
      'dashboardRegions: "Oregon" is not a region id such as us-east-1',
    ],
    [
      { logLevel: 'VERBOSE' },
      'logLevel: "VERBOSE" is not one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT',
    ],
    [{ anomalyBandWidth: '0' }, 'anomalyBandWidth: must be above 0 (standard deviations)'],
    [{ errorRateCriticalPct: '150' }, 'errorRateCriticalPct: 150 is not a percentage between 0 and 100'],
    [{ quotaCriticalPct: '101' }, 'quotaCriticalPct: 101 is not a percentage between 0 and 100'],
    [
      { rejectedRecordsWarningPct: '200' },
      'rejectedRecordsWarningPct: 200 is not a percentage between 0 and 100',
    ],
    [
      { remediationEvents: 'true', remediationEventBus: 'my bus' },
      'remediationEventBus: "my bus" is not an event bus name or ARN (the bus must exist)',
    ],
  ])('refuses %o', (raw, message) => {
    expect(() => parseStackParameters(raw)).toThrow(message);
  });

  it('accepts the shapes AWS accepts', () => {
    const params = parseStackParameters({
      criticalEmail: 'on-call+bedrock@example.co.uk',
      dashboardRegions: 'us-east-1,eu-central-2,cn-north-1,us-gov-west-1,ap-southeast-5',
      logLevel: 'debug',
      anomalyBandWidth: '0.5',
      errorRateWarningPct: '100',
      errorRateCriticalPct: '100',
      remediationEventBus: 'arn:aws:events:eu-west-1:123456789012:event-bus/ops',
    });

    expect(params.dashboardRegions).toHaveLength(5);
    expect(params.remediationEventBus).toBe('arn:aws:events:eu-west-1:123456789012:event-bus/ops');
    expect(
      parseStackParameters({ remediationEventBus: 'aws.partner/example.com/123/ops' }).remediationEventBus,
    ).toBe('aws.partner/example.com/123/ops');
  });
});

describe('withStackDefaults (issue 25, item 9)', () => {
  it("gives a deployed stack's service dimension its stage, and keeps a given one", () => {
    const ctx = { service: 'bedrock-watch', stage: 'prod' };

    expect(parseStackParameters(withStackDefaults({}, ctx)).serviceName).toBe('bedrock-watch-prod');
    expect(parseStackParameters(withStackDefaults({ serviceName: null }, ctx)).serviceName).toBe(
      'bedrock-watch-prod',
    );
    expect(parseStackParameters(withStackDefaults({ serviceName: 'bedrock-watch' }, ctx)).serviceName).toBe(
      'bedrock-watch',
    );
    // The local tools, which know no stage, keep the plain default.
    expect(parseStackParameters({}).serviceName).toBe('bedrock-watch');
  });
});

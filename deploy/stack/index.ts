/**
 * Builds the CloudFormation resources serverless.yml adds to its functions: log group, Bedrock
 * logging, subscription (direct or through Kinesis), IAM, failure queue, topics, alarms,
 * dashboards and metric filters. Pure: parameters in, template fragments out.
 */

import { BEDROCK_LOG_STREAM, INVOCATION_SCHEMA_TYPE } from '../../shared/contract/bedrock-logs';
import { FILTER_METRICS } from '../../shared/contract/metrics';
import { ConfigError, loadIngestConfig } from '../../shared/ingest/config';
import {
  type AlarmContext,
  type AlarmDefinition,
  buildAlarmDefinitions,
  type MetricAlarmDefinition,
} from '../../shared/monitoring/alarms/index';
import { buildDashboards } from '../../shared/monitoring/dashboards/index';
import type { StackParameters } from '../../shared/monitoring/parameters';

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
};

export interface StackContext {
  service: string;
  stage: string;
}

export interface StackFragments {
  /** The functions' environment (provider.environment). */
  environment: Record<string, string>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Description: string; Value: unknown }>;
  /** Extensions of resources the framework generates (functions). */
  extensions: Record<string, { Properties: Record<string, unknown> }>;
}

/** The subscription filter: only invocation records reach the function. */
export const SUBSCRIPTION_FILTER_PATTERN = `{ $.schemaType = "${INVOCATION_SCHEMA_TYPE}" }`;

const sub = (template: string) => ({ 'Fn::Sub': template });
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
const ref = (logicalId: string) => ({ Ref: logicalId });
/** An ARN in this partition, region and account (Fn::Join, which validators can evaluate). */
const arn = (service: string, resource: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      ref('AWS::Partition'),
      `:${service}:`,
      ref('AWS::Region'),
      ':',
      ref('AWS::AccountId'),
      `:${resource}`,
    ],
  ],
});

/** A CloudFormation logical id from any key: alphanumeric, prefixed. */
export function logicalId(prefix: string, key: string): string {
  return `${prefix}${key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]?.toUpperCase() + p.slice(1))
    .join('')}`.slice(0, 255);
}

/**
 * A function's own role: it may write its log group, and whatever `statements` grant. Every
 * function gets one, so each lists only the actions it calls.
 */
function functionRole(
  policyName: string,
  logGroupName: string,
  statements: Record<string, unknown>[],
): Resource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: assumeRole('lambda.amazonaws.com'),
      Policies: [
        {
          PolicyName: policyName,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: arn('logs', `log-group:${logGroupName}:*`),
              },
              ...statements,
            ],
          },
        },
      ],
    },
  };
}

const assumeRole = (service: string, condition?: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      ...(condition ? { Condition: condition } : {}),
    },
  ],
});

function alarmResource(def: MetricAlarmDefinition, topics: Record<string, unknown>): Resource {
  const actions = def.level === 'none' ? [] : [topics[def.level]];
  const single =
    def.queries.length === 1 && def.queries[0]?.metric && !def.queries[0].expression
      ? def.queries[0].metric
      : undefined;
  const props: Record<string, unknown> = {
    AlarmName: def.name,
    AlarmDescription: `${def.description}. Why these settings: ${def.rationale}`.slice(0, 1024),
    ActionsEnabled: actions.length > 0,
    AlarmActions: actions,
    OKActions: actions,
    ComparisonOperator: def.comparison,
    EvaluationPeriods: def.evaluationPeriods,
    DatapointsToAlarm: def.datapointsToAlarm,
    TreatMissingData: def.treatMissingData,
  };
  if (def.threshold !== undefined) props.Threshold = def.threshold;
  if (def.thresholdMetricId) props.ThresholdMetricId = def.thresholdMetricId;
  if (def.evaluateLowSampleCountPercentile)
    props.EvaluateLowSampleCountPercentile = def.evaluateLowSampleCountPercentile;
  const dims = (d: Record<string, string>) => Object.entries(d).map(([Name, Value]) => ({ Name, Value }));
  if (single) {
    props.Namespace = single.namespace;
    props.MetricName = single.metricName;
    props.Dimensions = dims(single.dimensions);
    props.Period = single.period;
    if (/^p\d/.test(single.stat)) props.ExtendedStatistic = single.stat;
    else props.Statistic = single.stat;
    if (single.unit) props.Unit = single.unit;
  } else {
    props.Metrics = def.queries.map((q) => ({
      Id: q.id,
      ReturnData: q.returnData,
      ...(q.label ? { Label: q.label } : {}),
      ...(q.expression ? { Expression: q.expression } : {}),
      ...(q.metric
        ? {
            MetricStat: {
              Metric: {
                Namespace: q.metric.namespace,
                MetricName: q.metric.metricName,
                Dimensions: dims(q.metric.dimensions),
              },
              Period: q.metric.period,
              Stat: q.metric.stat,
              ...(q.metric.unit ? { Unit: q.metric.unit } : {}),
            },
          }
        : {}),
    }));
  }
  return { Type: 'AWS::CloudWatch::Alarm', Properties: props };
}

/** Turns alarm definitions into CloudFormation resources, composites after their children. */
export function alarmResources(
  defs: AlarmDefinition[],
  topics: { warning: unknown; critical: unknown },
): Record<string, Resource> {
  const resources: Record<string, Resource> = {};
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const def of defs) {
    const id = logicalId('Alarm', def.key);
    if (def.kind === 'metric') {
      resources[id] = alarmResource(def, topics);
    } else {
      const children = def.allOf.map((key) => {
        const child = byKey.get(key);
        if (!child) throw new Error(`composite alarm ${def.key} names unknown alarm ${key}`);
        return child;
      });
      resources[id] = {
        Type: 'AWS::CloudWatch::CompositeAlarm',
        DependsOn: children.map((c) => logicalId('Alarm', c.key)),
        Properties: {
          AlarmName: def.name,
          AlarmDescription: `${def.description}. Why: ${def.rationale}`.slice(0, 1024),
          AlarmRule: children.map((c) => `ALARM("${c.name}")`).join(' AND '),
          ActionsEnabled: true,
          AlarmActions: [def.level === 'warning' ? topics.warning : topics.critical],
          OKActions: [def.level === 'warning' ? topics.warning : topics.critical],
        },
      };
    }
  }
  return resources;
}

/** Names the framework gives the ingest function and its log group. */
export function ingestNames(ctx: StackContext) {
  const prefix = `${ctx.service}-${ctx.stage}`;
  return {
    namePrefix: prefix,
    ingestFunctionName: `${prefix}-ingest`,
    ingestLogGroupName: `/aws/lambda/${prefix}-ingest`,
    loggingConfigLogGroupName: `/aws/lambda/${prefix}-loggingConfig`,
    monthToDateLogGroupName: `/aws/lambda/${prefix}-monthToDate`,
    failureQueueName: `${prefix}-ingest-failures`,
  };
}

/**
 * A small young generation: the largest batch then peaks near 110 MiB instead of 134
 * (npm run -s measure-memory).
 */
export const INGEST_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=4';

/** The environment the functions run with; checked here so a bad setting fails the package. */
export function functionEnvironment(params: StackParameters): Record<string, string> {
  const environment: Record<string, string> = {
    NODE_OPTIONS: INGEST_NODE_OPTIONS,
    POWERTOOLS_SERVICE_NAME: params.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: params.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: params.logLevel,
    BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES: String(params.resolveInferenceProfiles),
  };
  if (params.attributionKeys.length > 0) {
    environment.BEDROCK_WATCH_ATTRIBUTION = params.attributionKeys.join(',');
    environment.BEDROCK_WATCH_ATTRIBUTION_MAX_VALUES = String(params.attributionMaxValues);
  }
  if (params.configJson !== '') environment.BEDROCK_WATCH_CONFIG = params.configJson;
  // The function reads these at start; reading them here makes a bad value fail the package instead.
  loadIngestConfig(environment, () => {
    throw new ConfigError('configJson must be inline JSON: the function package holds no other files');
  });
  return environment;
}

export function buildStack(params: StackParameters, ctx: StackContext): StackFragments {
  const names = ingestNames(ctx);
  const R: Record<string, Resource> = {};
  const managedLogGroup = params.existingLogGroup === '';
  const logGroupName = managedLogGroup ? params.invocationLogGroupName : params.existingLogGroup;
  const logGroupArn = arn('logs', `log-group:${logGroupName}:*`);
  const kinesis = params.ingestMode === 'kinesis';

  R.IngestFailureQueue = {
    Type: 'AWS::SQS::Queue',
    Properties: {
      QueueName: names.failureQueueName,
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    },
  };

  const ingestStatements: Record<string, unknown>[] = [
    { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: arnOf('IngestFailureQueue') },
  ];
  if (params.resolveInferenceProfiles) {
    ingestStatements.push({
      Effect: 'Allow',
      Action: ['bedrock:GetInferenceProfile'],
      Resource: arn('bedrock', 'application-inference-profile/*'),
    });
  }
  if (kinesis) {
    ingestStatements.push({
      Effect: 'Allow',
      Action: [
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
      ],
      Resource: arnOf('IngestStream'),
    });
  }
  R.IngestRole = functionRole('ingest', names.ingestLogGroupName, ingestStatements);

  if (managedLogGroup) {
    R.InvocationLogGroup = {
      Type: 'AWS::Logs::LogGroup',
      // Invocation logs are an audit trail: keep them when the stack goes.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { LogGroupName: logGroupName, RetentionInDays: params.invocationLogRetentionDays },
    };
    R.BedrockLoggingRole = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: assumeRole('bedrock.amazonaws.com', {
          StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
          ArnLike: {
            'aws:SourceArn': arn('bedrock', '*'),
          },
        }),
        Policies: [
          {
            PolicyName: 'write-invocation-logs',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                  Resource: arn('logs', `log-group:${logGroupName}:log-stream:${BEDROCK_LOG_STREAM}`),
                },
              ],
            },
          },
        ],
      },
    };
  }

  let largeDataBucket: unknown;
  if (params.largeDataBucket === 'create') {
    R.LargeDataBucket = {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [
            { Id: 'expire-bodies', Status: 'Enabled', ExpirationInDays: params.invocationLogRetentionDays },
          ],
        },
      },
    };
    R.LargeDataBucketPolicy = {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: ref('LargeDataBucket'),
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'BedrockWritesLargeBodies',
              Effect: 'Allow',
              Principal: { Service: 'bedrock.amazonaws.com' },
              Action: ['s3:PutObject'],
              Resource: sub('${LargeDataBucket.Arn}/*'),
              Condition: {
                StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
                ArnLike: {
                  'aws:SourceArn': arn('bedrock', '*'),
                },
              },
            },
            {
              Sid: 'TlsOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: ['s3:GetObject', 's3:PutObject'],
              Resource: sub('${LargeDataBucket.Arn}/*'),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    };
    largeDataBucket = ref('LargeDataBucket');
  } else if (params.largeDataBucket !== '') {
    largeDataBucket = params.largeDataBucket;
  }

  const previousConfigParameter = `/${ctx.service}/${ctx.stage}/previous-invocation-logging-config`;
  R.LoggingConfigRole = functionRole('manage-invocation-logging', names.loggingConfigLogGroupName, [
    {
      // These Bedrock actions have no resource type: IAM accepts only "*" here.
      Effect: 'Allow',
      Action: [
        'bedrock:GetModelInvocationLoggingConfiguration',
        'bedrock:PutModelInvocationLoggingConfiguration',
        'bedrock:DeleteModelInvocationLoggingConfiguration',
      ],
      Resource: '*',
    },
    ...(managedLogGroup
      ? [
          {
            Effect: 'Allow',
            Action: ['iam:PassRole'],
            Resource: arnOf('BedrockLoggingRole'),
            Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
          },
        ]
      : []),
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      Resource: arn('ssm', `parameter${previousConfigParameter}`),
    },
  ]);
  R.MonthToDateRole = functionRole('read-cost-metrics', names.monthToDateLogGroupName, [
    // GetMetricData has no resource type: IAM accepts only "*" here.
    { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  ]);
  if (managedLogGroup && params.manageInvocationLogging) {
    R.InvocationLoggingConfig = {
      Type: 'Custom::BedrockInvocationLogging',
      DependsOn: [
        'InvocationLogGroup',
        'BedrockLoggingRole',
        ...(R.LargeDataBucketPolicy ? ['LargeDataBucketPolicy'] : []),
      ],
      Properties: {
        ServiceToken: arnOf('LoggingConfigLambdaFunction'),
        LogGroupName: logGroupName,
        RoleArn: arnOf('BedrockLoggingRole'),
        PreviousConfigParameter: previousConfigParameter,
        ...(largeDataBucket
          ? { LargeDataBucket: largeDataBucket, LargeDataKeyPrefix: 'invocation-bodies' }
          : {}),
      },
    };
  }

  const subscriptionDependsOn = managedLogGroup ? ['InvocationLogGroup'] : [];
  if (kinesis) {
    R.IngestStream = {
      Type: 'AWS::Kinesis::Stream',
      Properties: {
        ShardCount: params.kinesisShards,
        RetentionPeriodHours: params.kinesisRetentionHours,
        StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      },
    };
    R.LogsToKinesisRole = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: assumeRole('logs.amazonaws.com', {
          StringLike: {
            'aws:SourceArn': arn('logs', '*'),
          },
        }),
        Policies: [
          {
            PolicyName: 'put-records',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['kinesis:PutRecord'], Resource: arnOf('IngestStream') },
              ],
            },
          },
        ],
      },
    };
    R.InvocationSubscription = {
      Type: 'AWS::Logs::SubscriptionFilter',
      DependsOn: [...subscriptionDependsOn, 'LogsToKinesisRole'],
      Properties: {
        LogGroupName: logGroupName,
        FilterPattern: SUBSCRIPTION_FILTER_PATTERN,
        DestinationArn: arnOf('IngestStream'),
        RoleArn: arnOf('LogsToKinesisRole'),
      },
    };
    R.IngestStreamMapping = {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        FunctionName: ref('IngestLambdaFunction'),
        EventSourceArn: arnOf('IngestStream'),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 10,
        // A bad record is isolated by halving the batch instead of blocking the shard.
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: params.maximumRetryAttempts,
        MaximumRecordAgeInSeconds: params.maximumEventAgeSeconds,
        DestinationConfig: { OnFailure: { Destination: arnOf('IngestFailureQueue') } },
      },
    };
  } else {
    R.IngestSubscriptionPermission = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf('IngestLambdaFunction'),
        Principal: 'logs.amazonaws.com',
        SourceArn: logGroupArn,
        SourceAccount: ref('AWS::AccountId'),
      },
    };
    R.InvocationSubscription = {
      Type: 'AWS::Logs::SubscriptionFilter',
      DependsOn: [...subscriptionDependsOn, 'IngestSubscriptionPermission'],
      Properties: {
        LogGroupName: logGroupName,
        FilterPattern: SUBSCRIPTION_FILTER_PATTERN,
        DestinationArn: arnOf('IngestLambdaFunction'),
      },
    };
    R.IngestAsyncConfig = {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: ref('IngestLambdaFunction'),
        Qualifier: '$LATEST',
        MaximumRetryAttempts: params.maximumRetryAttempts,
        MaximumEventAgeInSeconds: params.maximumEventAgeSeconds,
        DestinationConfig: { OnFailure: { Destination: arnOf('IngestFailureQueue') } },
      },
    };
  }

  const filterDependsOn = managedLogGroup ? ['InvocationLogGroup'] : [];
  R.HighOutputTokensFilter = {
    Type: 'AWS::Logs::MetricFilter',
    DependsOn: filterDependsOn,
    Properties: {
      LogGroupName: logGroupName,
      FilterPattern: `{ $.schemaType = "${INVOCATION_SCHEMA_TYPE}" && $.output.outputTokenCount > ${params.highOutputTokens} }`,
      MetricTransformations: [
        {
          MetricNamespace: params.metricsNamespace,
          MetricName: FILTER_METRICS.highOutputTokenRequests,
          MetricValue: '1',
          Unit: 'Count',
          Dimensions: [{ Key: 'ModelId', Value: '$.modelId' }],
        },
      ],
    },
  };
  R.AccessDeniedFilter = {
    Type: 'AWS::Logs::MetricFilter',
    DependsOn: filterDependsOn,
    Properties: {
      LogGroupName: logGroupName,
      FilterPattern: `{ $.schemaType = "${INVOCATION_SCHEMA_TYPE}" && $.errorCode = "AccessDeniedException" }`,
      MetricTransformations: [
        {
          MetricNamespace: params.metricsNamespace,
          MetricName: FILTER_METRICS.accessDeniedCalls,
          MetricValue: '1',
          Unit: 'Count',
          Dimensions: [{ Key: 'ModelId', Value: '$.modelId' }],
        },
      ],
    },
  };

  for (const level of ['Warning', 'Critical'] as const) {
    R[`${level}Topic`] = {
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: `${names.namePrefix}-${level.toLowerCase()}`,
        DisplayName: `${ctx.service} ${level.toLowerCase()}`,
      },
    };
    const email = level === 'Warning' ? params.warningEmail : params.criticalEmail;
    if (email) {
      R[`${level}EmailSubscription`] = {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: ref(`${level}Topic`), Protocol: 'email', Endpoint: email },
      };
    }
  }

  const alarmCtx: AlarmContext = names;
  const alarms = buildAlarmDefinitions(params, alarmCtx);
  Object.assign(R, alarmResources(alarms, { warning: ref('WarningTopic'), critical: ref('CriticalTopic') }));
  const outputs: StackFragments['Outputs'] = {
    WarningTopicArn: { Description: 'SNS topic of warning alarms', Value: ref('WarningTopic') },
    CriticalTopicArn: { Description: 'SNS topic of critical alarms', Value: ref('CriticalTopic') },
    IngestFailureQueueUrl: {
      Description: 'Events the ingest function could not process (redrive from here)',
      Value: ref('IngestFailureQueue'),
    },
    InvocationLogGroupName: {
      Description: 'Log group Bedrock writes invocation logs to',
      Value: logGroupName,
    },
  };
  for (const dashboard of buildDashboards(params, names, alarms)) {
    const id = logicalId('Dashboard', dashboard.key);
    R[id] = {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: { DashboardName: dashboard.name, DashboardBody: sub(JSON.stringify(dashboard.body)) },
    };
    outputs[`${id}Url`] = {
      Description: `CloudWatch dashboard: ${dashboard.key}`,
      Value: sub(
        `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=${dashboard.name}`,
      ),
    };
  }

  const extensions: StackFragments['extensions'] = {};
  if (params.reservedConcurrency > 0) {
    extensions.IngestLambdaFunction = {
      Properties: { ReservedConcurrentExecutions: params.reservedConcurrency },
    };
  }
  return { environment: functionEnvironment(params), Resources: R, Outputs: outputs, extensions };
}

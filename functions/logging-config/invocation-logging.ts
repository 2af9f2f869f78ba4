/**
 * What the logging-config custom resource asks of Bedrock, decided purely: which model-invocation
 * logging configuration to set, and how the previous one is kept for restoring on delete.
 */
import type { LoggingConfig } from '@aws-sdk/client-bedrock';

export interface LoggingProperties {
  logGroupName: string;
  roleArn: string;
  /** S3 bucket for bodies larger than 100 KB; optional. */
  largeDataBucket?: string;
  largeDataKeyPrefix?: string;
  /** SSM parameter that keeps the configuration found before the stack took over. */
  previousConfigParameter: string;
  /** Where the stack's subscription filter delivers: checked for room in the group first. */
  subscriptionDestinationArn?: string;
}

export class LoggingPropertiesError extends Error {
  override readonly name = 'LoggingPropertiesError';
}

/** Validates the custom resource's properties (CloudFormation passes every value as a string). */
export function parseLoggingProperties(raw: Record<string, unknown> | undefined): LoggingProperties {
  const text = (key: string, required: boolean): string | undefined => {
    const value = raw?.[key];
    if (value === undefined || value === '') {
      if (required) throw new LoggingPropertiesError(`property ${key} is required`);
      return undefined;
    }
    if (typeof value !== 'string') throw new LoggingPropertiesError(`property ${key} must be a string`);
    return value;
  };
  const props: LoggingProperties = {
    logGroupName: text('LogGroupName', true) as string,
    roleArn: text('RoleArn', true) as string,
    previousConfigParameter: text('PreviousConfigParameter', true) as string,
  };
  const bucket = text('LargeDataBucket', false);
  if (bucket) props.largeDataBucket = bucket;
  const prefix = text('LargeDataKeyPrefix', false);
  if (prefix) props.largeDataKeyPrefix = prefix;
  const destination = text('SubscriptionDestinationArn', false);
  if (destination) props.subscriptionDestinationArn = destination;
  return props;
}

/**
 * The configuration to put: CloudWatch Logs delivery to our log group with text bodies on
 * (latency and stop reasons live in the bodies). Whatever else the account had — S3 delivery,
 * image or embedding bodies — is kept, so taking over logging breaks no one's archive.
 */
export function desiredLoggingConfig(
  previous: LoggingConfig | undefined,
  props: LoggingProperties,
): LoggingConfig {
  return {
    ...previous,
    cloudWatchConfig: {
      logGroupName: props.logGroupName,
      roleArn: props.roleArn,
      ...(props.largeDataBucket
        ? {
            largeDataDeliveryS3Config: {
              bucketName: props.largeDataBucket,
              ...(props.largeDataKeyPrefix ? { keyPrefix: props.largeDataKeyPrefix } : {}),
            },
          }
        : {}),
    },
    textDataDeliveryEnabled: true,
  };
}

/**
 * How the previous configuration is stored: `{"previous":null}` when logging was off;
 * `restoreFailures` counts deletes that could not put it back.
 */
export function serialisePrevious(previous: LoggingConfig | undefined, restoreFailures = 0): string {
  return JSON.stringify({ previous: previous ?? null, ...(restoreFailures > 0 ? { restoreFailures } : {}) });
}

export function parsePrevious(stored: string): LoggingConfig | undefined {
  return parseStored(stored).previous;
}

/** The stored value: the previous configuration and how many restores of it failed. */
export function parseStored(stored: string): {
  previous: LoggingConfig | undefined;
  restoreFailures: number;
} {
  const parsed = JSON.parse(stored) as { previous?: LoggingConfig | null; restoreFailures?: number };
  return { previous: parsed.previous ?? undefined, restoreFailures: parsed.restoreFailures ?? 0 };
}

/**
 * Whether the account's configuration is still the one this stack set: CloudWatch delivery to its
 * log group with its role. Anything else was set by someone since, and is theirs to keep.
 */
export function isStacksOwn(current: LoggingConfig | undefined, props: LoggingProperties): boolean {
  return (
    current?.cloudWatchConfig?.logGroupName === props.logGroupName &&
    current.cloudWatchConfig.roleArn === props.roleArn
  );
}

/**
 * The bucket-policy statement that lets Bedrock write large bodies into `bucket`, for this
 * account only, as the Bedrock user guide gives it.
 */
export function largeDataBucketStatement(bucket: string, keyPrefix: string | undefined, roleArn: string) {
  // The role ARN carries the partition and account the statement must name.
  const [, partition = 'aws', , , account = ''] = roleArn.split(':');
  return {
    Sid: 'AllowBedrockLargeDataDelivery',
    Effect: 'Allow',
    Principal: { Service: 'bedrock.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `arn:${partition}:s3:::${bucket}/${keyPrefix ? `${keyPrefix}/` : ''}*`,
    Condition: {
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:bedrock:*:${account}:*` },
    },
  };
}

/** Bedrock refused the configuration because it may not write to the large-data bucket. */
export function isBucketPermissionError(error: unknown, props: LoggingProperties): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return (
    props.largeDataBucket !== undefined &&
    (name === 'ValidationException' || name === 'AccessDeniedException') &&
    /\bs3\b|bucket/i.test(message ?? '')
  );
}

/** A configuration is "off" when it delivers nowhere. */
export function isLoggingOn(config: LoggingConfig | undefined): boolean {
  return Boolean(config?.cloudWatchConfig?.logGroupName || config?.s3Config?.bucketName);
}

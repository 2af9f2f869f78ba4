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
  /** Prompt and answer text delivered (`invocationText` on or short); false = metadata only. */
  textDelivery: boolean;
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
  // A stack packaged before invocationText sent no TextDataDelivery: it delivered text.
  const textDelivery = text('TextDataDelivery', false) ?? 'true';
  if (textDelivery !== 'true' && textDelivery !== 'false')
    throw new LoggingPropertiesError('property TextDataDelivery must be true or false');
  const props: LoggingProperties = {
    logGroupName: text('LogGroupName', true) as string,
    roleArn: text('RoleArn', true) as string,
    previousConfigParameter: text('PreviousConfigParameter', true) as string,
    textDelivery: textDelivery === 'true',
  };
  const bucket = text('LargeDataBucket', false);
  if (bucket) props.largeDataBucket = bucket;
  const prefix = text('LargeDataKeyPrefix', false);
  if (prefix) props.largeDataKeyPrefix = prefix;
  const destination = text('SubscriptionDestinationArn', false);
  if (destination) props.subscriptionDestinationArn = destination;
  return props;
}

/** The properties of the resource that reads the earlier setting's role (Custom::BedrockEarlierLoggingRole). */
export interface EarlierRoleProperties {
  previousConfigParameter: string;
  /** Answered when the earlier setting passed no role: the stack's own, granted already. */
  stackRoleArn: string;
}

export function parseEarlierRoleProperties(raw: Record<string, unknown> | undefined): EarlierRoleProperties {
  const text = (key: string): string => {
    const value = raw?.[key];
    if (typeof value !== 'string' || value === '')
      throw new LoggingPropertiesError(`property ${key} is required`);
    return value;
  };
  return { previousConfigParameter: text('PreviousConfigParameter'), stackRoleArn: text('StackRoleArn') };
}

/** The role a restore of `previous` passes to Bedrock, or the stack's own when it passes none. */
export function earlierRoleArn(previous: LoggingConfig | undefined, stackRoleArn: string): string {
  return previous?.cloudWatchConfig?.roleArn || stackRoleArn;
}

/** The account-wide switches for bodies in the logs, one per kind of data. */
export const BODY_FLAGS = [
  'textDataDeliveryEnabled',
  'imageDataDeliveryEnabled',
  'embeddingDataDeliveryEnabled',
  'videoDataDeliveryEnabled',
] as const;

/**
 * The configuration to put: CloudWatch Logs delivery to our log group. Whatever else the account
 * had — S3 delivery, its body flags — is kept, so taking over logging breaks no one's archive.
 * With text delivery, text bodies are switched on (latency and stop reasons live in them). Without,
 * no body is delivered: the flags are all off, unless the account's own S3 archive had them on
 * (they are account-wide, so switching them off would empty that archive of what it keeps).
 */
export function desiredLoggingConfig(
  previous: LoggingConfig | undefined,
  props: LoggingProperties,
): LoggingConfig {
  const cloudWatchConfig = {
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
  };
  if (props.textDelivery) return { ...previous, cloudWatchConfig, textDataDeliveryEnabled: true };
  const archive = Boolean(previous?.s3Config?.bucketName);
  const flags = Object.fromEntries(BODY_FLAGS.map((flag) => [flag, archive && previous?.[flag] === true]));
  return { ...previous, cloudWatchConfig, ...flags };
}

/** The kinds of body a configuration delivers (`text`, `image`, …), for the custom resource's answer. */
export function deliveredBodies(config: LoggingConfig): string[] {
  return BODY_FLAGS.filter((flag) => config[flag] === true).map((flag) =>
    flag.replace(/DataDeliveryEnabled$/, ''),
  );
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

/**
 * Deploy-time parameters: one definition with defaults and validation, read by serverless.yml
 * (through deploy/resources.cjs), the alarm and dashboard definitions, and local tools.
 */
import { BEDROCK_LOG_GROUP } from '../contract/bedrock-logs';
import { closestName } from '../names';

export { closestName } from '../names';

export interface ModelQuota {
  /** Tokens per minute the account may use for this model id in this region. */
  tokensPerMinute: number;
  requestsPerMinute: number;
}

export interface StackParameters {
  invocationLogGroupName: string;
  invocationLogRetentionDays: number;
  /** Subscribe to this existing log group; create no log group, no Bedrock role, no logging config. */
  existingLogGroup: string;
  /** Turn Bedrock model-invocation logging on (and restore the previous setting on delete). */
  manageInvocationLogging: boolean;
  /** '' = no S3 delivery of large bodies, 'create' = a bucket made by the stack, else a bucket name. */
  largeDataBucket: string;
  ingestMode: 'direct' | 'kinesis';
  kinesisShards: number;
  kinesisRetentionHours: number;
  /**
   * 0 = unreserved (the default). Reserving any amount needs an account concurrency quota with room
   * for Lambda's own unreserved minimum, which new accounts do not have (docs/deploy.md).
   */
  reservedConcurrency: number;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  metricsNamespace: string;
  serviceName: string;
  logLevel: string;
  /** Attribution dimensions: `caller` and/or requestMetadata keys (README: Attribution). */
  attributionKeys: string[];
  attributionMaxValues: number;
  /** Look application inference profiles up with bedrock:GetInferenceProfile (adds that permission). */
  resolveInferenceProfiles: boolean;
  /** Inline JSON for BEDROCK_WATCH_CONFIG: price overlay, profile map, attribution allow-lists. */
  configJson: string;
  watchedModels: string[];
  warningEmail: string;
  criticalEmail: string;
  latencyP95WarningMs: number;
  latencyP95CriticalMs: number;
  errorRateWarningPct: number;
  errorRateCriticalPct: number;
  throttleRateWarningPct: number;
  throttleRateCriticalPct: number;
  /** Calls per 5 minutes below which rate alarms stay quiet (one failure at night must not page). */
  minInvocationsForRate: number;
  anomalyBandWidth: number;
  quotaWarningPct: number;
  quotaCriticalPct: number;
  /** Per logged model id: `modelId=tokensPerMinute:requestsPerMinute`, separated by `;`. */
  quotas: Record<string, ModelQuota>;
  rejectedRecordsWarningPct: number;
  deliveryLagWarningMs: number;
  highOutputTokens: number;
  /** Regions the dashboards show side by side; empty = the deploy region only. */
  dashboardRegions: string[];
}

export const DEFAULT_STACK_PARAMETERS: StackParameters = {
  invocationLogGroupName: BEDROCK_LOG_GROUP,
  invocationLogRetentionDays: 30,
  existingLogGroup: '',
  manageInvocationLogging: true,
  largeDataBucket: '',
  ingestMode: 'direct',
  kinesisShards: 1,
  kinesisRetentionHours: 24,
  reservedConcurrency: 0,
  maximumRetryAttempts: 2,
  maximumEventAgeSeconds: 21_600,
  metricsNamespace: 'BedrockWatch',
  serviceName: 'bedrock-watch',
  logLevel: 'INFO',
  attributionKeys: [],
  attributionMaxValues: 25,
  resolveInferenceProfiles: true,
  configJson: '',
  watchedModels: [],
  warningEmail: '',
  criticalEmail: '',
  latencyP95WarningMs: 3000,
  latencyP95CriticalMs: 5000,
  errorRateWarningPct: 1,
  errorRateCriticalPct: 2,
  throttleRateWarningPct: 1,
  throttleRateCriticalPct: 5,
  minInvocationsForRate: 20,
  anomalyBandWidth: 2,
  quotaWarningPct: 80,
  quotaCriticalPct: 95,
  quotas: {},
  rejectedRecordsWarningPct: 5,
  deliveryLagWarningMs: 15 * 60_000,
  highOutputTokens: 4000,
  dashboardRegions: [],
};

/** A parameter is wrong: raised while packaging, naming the parameter. */
export class StackParameterError extends Error {
  override readonly name = 'StackParameterError';
}

const LOG_RETENTION_DAYS = new Set([
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
]);

function list(value: unknown): string[] {
  if (Array.isArray(value))
    return value
      .map(String)
      .map((s) => s.trim())
      .filter(Boolean);
  return String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A quota of 0 would divide by zero in the quota alarms' expressions. */
function checkedQuota(modelId: string, tokensPerMinute: unknown, requestsPerMinute: unknown): ModelQuota {
  const tpm = Number(tokensPerMinute);
  const rpm = Number(requestsPerMinute);
  if (!Number.isInteger(tpm) || !Number.isInteger(rpm) || tpm < 1 || rpm < 1) {
    throw new StackParameterError(
      `quotas: ${modelId} needs whole numbers of at least 1 for tokens and requests per minute (got ${tokensPerMinute}:${requestsPerMinute}); leave the model out to watch no quota`,
    );
  }
  return { tokensPerMinute: tpm, requestsPerMinute: rpm };
}

function parseQuotas(value: unknown): Record<string, ModelQuota> {
  const quotas: Record<string, ModelQuota> = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [modelId, quota] of Object.entries(value as Record<string, Partial<ModelQuota>>)) {
      quotas[modelId] = checkedQuota(modelId, quota?.tokensPerMinute, quota?.requestsPerMinute);
    }
    return quotas;
  }
  for (const entry of String(value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(.+)=(\d+):(\d+)$/.exec(entry);
    if (!match) {
      throw new StackParameterError(`quotas: "${entry}" is not modelId=tokensPerMinute:requestsPerMinute`);
    }
    const modelId = match[1] as string;
    quotas[modelId] = checkedQuota(modelId, match[2], match[3]);
  }
  return quotas;
}

/**
 * Merges raw values (strings from `--param`, or YAML values) over the defaults, converting and
 * checking each one.
 * @throws StackParameterError for an unknown name (with the closest known one) or a bad value.
 */
export function parseStackParameters(raw: Readonly<Record<string, unknown>>): StackParameters {
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(DEFAULT_STACK_PARAMETERS, key)) {
      const near = closestName(key, Object.keys(DEFAULT_STACK_PARAMETERS));
      throw new StackParameterError(`unknown parameter "${key}"${near ? ` (did you mean "${near}"?)` : ''}`);
    }
  }
  const params: StackParameters = { ...DEFAULT_STACK_PARAMETERS };
  const given = (key: keyof StackParameters) =>
    raw[key] !== undefined && raw[key] !== null && raw[key] !== '';
  const target = params as unknown as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_STACK_PARAMETERS) as (keyof StackParameters)[]) {
    if (!given(key)) continue;
    const value = raw[key];
    const fallback = DEFAULT_STACK_PARAMETERS[key];
    if (key === 'quotas') target[key] = parseQuotas(value);
    else if (Array.isArray(fallback)) target[key] = list(value);
    else if (typeof fallback === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0)
        throw new StackParameterError(`${key}: "${value}" is not a non-negative number`);
      target[key] = n;
    } else if (typeof fallback === 'boolean') {
      if (![true, false, 'true', 'false'].includes(value as string | boolean)) {
        throw new StackParameterError(`${key}: "${value}" is not true or false`);
      }
      target[key] = value === true || value === 'true';
    } else target[key] = String(value);
  }
  checkParameters(params);
  return params;
}

/** Parameters that must be whole numbers (counts, sizes, durations in whole units). */
const WHOLE_NUMBERS: readonly (keyof StackParameters)[] = [
  'invocationLogRetentionDays',
  'kinesisShards',
  'kinesisRetentionHours',
  'reservedConcurrency',
  'maximumRetryAttempts',
  'maximumEventAgeSeconds',
  'attributionMaxValues',
  'minInvocationsForRate',
  'highOutputTokens',
  'deliveryLagWarningMs',
];

const fail = (message: string): never => {
  throw new StackParameterError(message);
};

/** Each value on its own: the range or shape AWS accepts, so a bad one fails the package, not the deploy. */
function checkValues(params: StackParameters): void {
  const numbers = params as unknown as Record<string, number>;
  for (const key of WHOLE_NUMBERS) {
    if (!Number.isInteger(numbers[key])) fail(`${key}: ${numbers[key]} is not a whole number`);
  }
  if (params.ingestMode !== 'direct' && params.ingestMode !== 'kinesis') {
    fail(`ingestMode: "${params.ingestMode}" is not direct or kinesis`);
  }
  if (!LOG_RETENTION_DAYS.has(params.invocationLogRetentionDays)) {
    fail(
      `invocationLogRetentionDays: ${params.invocationLogRetentionDays} is not a CloudWatch Logs retention value`,
    );
  }
  if (params.kinesisShards < 1) fail('kinesisShards: a stream needs at least 1 shard');
  // Kinesis keeps records for 24 hours at least and 365 days at most.
  if (params.kinesisRetentionHours < 24 || params.kinesisRetentionHours > 8760) {
    fail(`kinesisRetentionHours: ${params.kinesisRetentionHours} is not between 24 and 8760`);
  }
  if (params.maximumEventAgeSeconds < 60 || params.maximumEventAgeSeconds > 21_600) {
    fail('maximumEventAgeSeconds: must be between 60 and 21600');
  }
  if (params.attributionMaxValues < 1) fail('attributionMaxValues: must be at least 1');
  // SEARCH expressions quote the namespace inside '{…}': a space, comma, quote or brace breaks them,
  // and CloudWatch reserves the AWS/ prefix.
  if (
    !/^[A-Za-z0-9._\-/#:]{1,255}$/.test(params.metricsNamespace) ||
    params.metricsNamespace.startsWith('AWS/')
  ) {
    fail(
      `metricsNamespace: "${params.metricsNamespace}" may use only letters, digits and . _ - / # : (no spaces) and may not start with AWS/`,
    );
  }
  checkNames(params);
}

/** Names AWS checks only at deploy time. */
function checkNames(params: StackParameters): void {
  for (const key of ['invocationLogGroupName', 'existingLogGroup'] as const) {
    const name = params[key];
    if (name !== '' && !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) {
      fail(`${key}: "${name}" is not a CloudWatch Logs group name`);
    }
  }
  const bucket = params.largeDataBucket;
  if (bucket !== '' && bucket !== 'create' && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    fail(`largeDataBucket: "${bucket}" is neither create nor an S3 bucket name`);
  }
}

/** Values that must agree with each other. */
function checkConsistency(params: StackParameters): void {
  if (params.maximumRetryAttempts > 2 && params.ingestMode === 'direct') {
    fail('maximumRetryAttempts: asynchronous invocation allows 0 to 2');
  }
  if (params.maximumRetryAttempts > 10_000) fail('maximumRetryAttempts: Kinesis allows 0 to 10000');
  for (const [warning, critical] of [
    ['latencyP95WarningMs', 'latencyP95CriticalMs'],
    ['errorRateWarningPct', 'errorRateCriticalPct'],
    ['throttleRateWarningPct', 'throttleRateCriticalPct'],
    ['quotaWarningPct', 'quotaCriticalPct'],
  ] as const) {
    if (params[warning] > params[critical]) fail(`${warning} must not exceed ${critical}`);
  }
}

/**
 * Every check beyond the type of each value.
 * @throws StackParameterError naming the first parameter that is wrong and why.
 */
function checkParameters(params: StackParameters): void {
  checkValues(params);
  checkConsistency(params);
}

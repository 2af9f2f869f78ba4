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
  /** 0 = unreserved. */
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
  reservedConcurrency: 10,
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

function parseQuotas(value: unknown): Record<string, ModelQuota> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, ModelQuota>;
  }
  const quotas: Record<string, ModelQuota> = {};
  for (const entry of String(value ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(.+)=(\d+):(\d+)$/.exec(entry);
    if (!match) {
      throw new StackParameterError(`quotas: "${entry}" is not modelId=tokensPerMinute:requestsPerMinute`);
    }
    quotas[match[1] as string] = { tokensPerMinute: Number(match[2]), requestsPerMinute: Number(match[3]) };
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
  if (params.ingestMode !== 'direct' && params.ingestMode !== 'kinesis') {
    throw new StackParameterError(`ingestMode: "${params.ingestMode}" is not direct or kinesis`);
  }
  if (!LOG_RETENTION_DAYS.has(params.invocationLogRetentionDays)) {
    throw new StackParameterError(
      `invocationLogRetentionDays: ${params.invocationLogRetentionDays} is not a CloudWatch Logs retention value`,
    );
  }
  if (params.maximumRetryAttempts > 2 && params.ingestMode === 'direct') {
    throw new StackParameterError('maximumRetryAttempts: asynchronous invocation allows 0 to 2');
  }
  if (params.maximumEventAgeSeconds < 60 || params.maximumEventAgeSeconds > 21_600) {
    throw new StackParameterError('maximumEventAgeSeconds: must be between 60 and 21600');
  }
  if (params.latencyP95WarningMs > params.latencyP95CriticalMs) {
    throw new StackParameterError('latencyP95WarningMs must not exceed latencyP95CriticalMs');
  }
  if (params.errorRateWarningPct > params.errorRateCriticalPct) {
    throw new StackParameterError('errorRateWarningPct must not exceed errorRateCriticalPct');
  }
  return params;
}

/**
 * Deploy-time parameters: one definition with defaults and validation, read by serverless.yml
 * (through deploy/resources.cjs), the alarm and dashboard definitions, and local tools.
 */
import { budgetScopes, parseTeamBudgets } from '../alerts/budgets';
import { isPager, parsePolicy, parseTargets } from '../alerts/routing';
import { AlertSpecError } from '../alerts/spec-error';
import { BEDROCK_LOG_GROUP } from '../contract/bedrock-logs';

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
  /** Monthly budget of all models together, USD; 0 = none (docs/alerts.md, Budgets). */
  monthlyBudgetUsd: number;
  /** Per logged model id: `modelId=usd`, separated by `;`. */
  modelBudgets: string;
  /** Per attribution value: `key/value=usd` (`team/search=300`), separated by `;`; the key must be attributed. */
  teamBudgets: string;
  /** The projected-overrun alarm waits until this share of a budget is spent: early-month projections swing. */
  budgetProjectionMinSpentPct: number;
  /** Tokens of the last hour against the same hour of the previous days, per scope (opt-in). */
  tokenSpikeAlarms: boolean;
  tokenSpikeWarningPct: number;
  tokenSpikeCriticalPct: number;
  /** Baseline tokens per hour below which token-spike alarms stay quiet (a quiet hour doubling is not news). */
  tokenSpikeMinTokens: number;
  tokenSpikeBaselineDays: number;
  /** Destinations: `name=type:store:secretName`, separated by `;` (docs/alerts.md, Where alerts go). */
  alertTargets: string;
  /** Critical alarms: `minutes:target[,target]`, separated by `;`; empty = every target at once. */
  escalationPolicy: string;
  /** Warning alarms, same syntax; empty = every target but PagerDuty and Opsgenie, at once. */
  warningPolicy: string;
  /** A customer-managed KMS key the secrets are encrypted with (the notifier may decrypt with it only). */
  alertSecretsKmsKeyArn: string;
  /** Publish an EventBridge event for every transition of an alarm a machine can act on. */
  remediationEvents: boolean;
  remediationEventBus: string;
  /** The example action: an SSM parameter per scope that applications read to fail over. */
  failoverSwitch: boolean;
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
  monthlyBudgetUsd: 0,
  modelBudgets: '',
  teamBudgets: '',
  budgetProjectionMinSpentPct: 10,
  tokenSpikeAlarms: false,
  tokenSpikeWarningPct: 25,
  tokenSpikeCriticalPct: 50,
  tokenSpikeMinTokens: 10_000,
  tokenSpikeBaselineDays: 7,
  alertTargets: '',
  escalationPolicy: '',
  warningPolicy: '',
  alertSecretsKmsKeyArn: '',
  remediationEvents: false,
  remediationEventBus: 'default',
  failoverSwitch: false,
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
 * The known name closest to a misspelt one (edit distance at most a third of its length), if any.
 * @example closestName('watchedModel', ['watchedModels', 'quotas']) // 'watchedModels'
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
        next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
      }
      row = next;
    }
    return row[b.length] ?? Number.POSITIVE_INFINITY;
  };
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(name, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
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
  checkAlertParameters(params);
  return params;
}

/** Runs a spec parser, reporting its complaint under the parameter's name. */
function checked<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AlertSpecError) throw new StackParameterError(`${name}: ${error.message}`);
    throw error;
  }
}

/**
 * Budgets, token spikes, alert routing and remediation events (docs/alerts.md): every spec parses,
 * budgets name attributed keys, levels are in order.
 * @throws StackParameterError naming the parameter.
 */
function checkAlertParameters(params: StackParameters): void {
  checked('modelBudgets', () => budgetScopes(0, params.modelBudgets, ''));
  for (const team of checked('teamBudgets', () => parseTeamBudgets(params.teamBudgets))) {
    if (!params.attributionKeys.includes(team.key))
      throw new StackParameterError(
        `teamBudgets: "${team.key}" is not in attributionKeys, so no cost is published per ${team.key}`,
      );
  }
  if (params.budgetProjectionMinSpentPct > 100)
    throw new StackParameterError('budgetProjectionMinSpentPct: must be between 0 and 100');
  if (params.tokenSpikeWarningPct > params.tokenSpikeCriticalPct)
    throw new StackParameterError('tokenSpikeWarningPct must not exceed tokenSpikeCriticalPct');
  const days = params.tokenSpikeBaselineDays;
  if (!Number.isInteger(days) || days < 1 || days > 14)
    throw new StackParameterError('tokenSpikeBaselineDays: a whole number of days from 1 to 14');
  const targets = checked('alertTargets', () => parseTargets(params.alertTargets));
  checked('escalationPolicy', () => parsePolicy(params.escalationPolicy, targets));
  checked('warningPolicy', () => parsePolicy(params.warningPolicy, targets, (t) => !isPager(t)));
  if (
    params.alertSecretsKmsKeyArn !== '' &&
    !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(params.alertSecretsKmsKeyArn)
  )
    throw new StackParameterError(
      'alertSecretsKmsKeyArn: not a KMS key ARN (arn:aws:kms:region:account:key/id)',
    );
  if (!/^[A-Za-z0-9._\-/]{1,256}$/.test(params.remediationEventBus))
    throw new StackParameterError('remediationEventBus: not an event bus name');
  if (params.failoverSwitch && !params.remediationEvents)
    throw new StackParameterError(
      'failoverSwitch: acts on remediation events, so it needs remediationEvents=true',
    );
}

/**
 * Deploy-time parameters: one definition with defaults and validation, read by serverless.yml
 * (through deploy/resources.cjs), the alarm and dashboard definitions, and local tools.
 */
import { ACCOUNT_ID, budgetScopes, parseAccountBudgets, parseTeamBudgets } from '../alerts/budgets';
import { isPager, parsePolicy, parseTargets } from '../alerts/routing';
import { AlertSpecError } from '../alerts/spec-error';
import { BEDROCK_LOG_GROUP } from '../contract/bedrock-logs';
import { DEFAULT_METRIC_SET, METRIC_SETS, type MetricSet } from '../contract/metrics';
import priceData from '../ingest/price-table.json';
import { closestName } from '../names';

export { closestName } from '../names';

export interface ModelQuota {
  /** Tokens per minute the account may use for this model id in this region. */
  tokensPerMinute: number;
  requestsPerMinute: number;
}

export const INVOCATION_TEXT = ['off', 'on', 'short'] as const;
export type InvocationText = (typeof INVOCATION_TEXT)[number];

export interface StackParameters {
  invocationLogGroupName: string;
  invocationLogRetentionDays: number;
  /** Subscribe to this existing log group; create no log group, no Bedrock role, no logging config. */
  existingLogGroup: string;
  /** Turn Bedrock model-invocation logging on (and restore the previous setting on delete). */
  manageInvocationLogging: boolean;
  /** '' = no S3 delivery of large bodies, 'create' = a bucket made by the stack, else a bucket name. */
  largeDataBucket: string;
  /**
   * Prompt and answer text in the invocation logs: `short` (on, the stack's log group kept 1 day:
   * the default; `on` with `existingLogGroup`, whose retention is not the stack's), `on`, or `off`
   * (metadata only). docs/deploy.md, Prompt and answer text.
   */
  invocationText: InvocationText;
  /** A customer-managed KMS key the stack's invocation log group is encrypted with; '' = CloudWatch's own. */
  invocationLogKmsKeyArn: string;
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
  /** `complete` (every series, the default) or `essential` (only what AWS/Bedrock lacks; docs/metrics.md). */
  metricSet: MetricSet;
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
  /** 12-digit accounts with their own cost, call and error series and alarms (docs/attribution.md). */
  watchedAccounts: string[];
  warningEmail: string;
  criticalEmail: string;
  latencyP95WarningMs: number;
  latencyP95CriticalMs: number;
  errorRateWarningPct: number;
  errorRateCriticalPct: number;
  throttleRateWarningPct: number;
  throttleRateCriticalPct: number;
  /** Client errors (validation, access denied), % of calls, above which the warning fires; 0 = no alarm. */
  clientErrorRateWarningPct: number;
  /** The same for a critical (paging) alarm; 0 (the default) = client errors never page. */
  clientErrorRateCriticalPct: number;
  /** Minutes of calls each datapoint of the rate alarms covers (their period). */
  alarmWindowMinutes: number;
  /** Minutes of calls each datapoint of the latency alarms covers (their period). */
  latencyWindowMinutes: number;
  /** Windows N of the rate and latency alarms: back to OK only after N clean windows in a row. */
  alarmClearWindows: number;
  /** Calls per window below which rate alarms stay quiet (the volume guard). */
  minInvocationsForRate: number;
  /** Bad calls (errors, throttles, truncated answers…) a window needs before its rate counts. */
  minBadEventsForRate: number;
  anomalyBandWidth: number;
  /** Minutes per datapoint of the anomaly-detection alarms (their period). */
  anomalyPeriodMinutes: number;
  /** Truncated answers, % of calls, above which the truncation-rate warning fires; 0 = no alarm. */
  truncationRateWarningPct: number;
  /** Guardrail interventions, % of calls, above which the guardrail-rate warning fires; 0 = no alarm. */
  guardrailRateWarningPct: number;
  quotaWarningPct: number;
  quotaCriticalPct: number;
  /** Per logged model id: `modelId=tokensPerMinute:requestsPerMinute`, separated by `;`. */
  quotas: Record<string, ModelQuota>;
  /** Per logged model id: `modelId=calls in flight`, separated by `;` (Little's law alarms, docs/quality.md). */
  concurrencyLimits: Record<string, number>;
  concurrencyWarningPct: number;
  concurrencyCriticalPct: number;
  /** Create the feedback log group, subscribed to the ingest function (docs/quality.md, User feedback). */
  feedbackLogGroup: boolean;
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
  /** Per AWS account: `account=usd`, separated by `,` or `;` (such an account gets its cost series). */
  accountBudgets: string;
  /**
   * Alarm when any single attribution value (a team, a caller) spends more than this in an hour,
   * USD; 0 = no alarm (Contributor Insights, docs/attribution.md).
   */
  topContributorCostPerHourUsd: number;
  /** Alarm when any single attribution value uses more tokens (input + output) in an hour; 0 = no alarm. */
  topContributorTokensPerHour: number;
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
  /**
   * Compare a closed day's cost with Cost Explorer once a day (the reconcile function; one
   * GetCostAndUsage request a day at $0.01) and alarm on the drift. Needs Cost Explorer enabled.
   */
  billReconciliation: boolean;
  /** The bill-drift alarm: the day's estimate is more than this many percent off the bill. */
  billDriftWarningPct: number;
  /**
   * An AWS Organization (o-…) whose member accounts send invocation records through Logs
   * destinations to this stack's stream; '' = none. Needs ingestMode=kinesis (docs/organization.md).
   */
  organizationId: string;
  /** Regions, besides the stack's own, that members send from (each gets a destination template). */
  sourceRegions: string[];
}

export const DEFAULT_STACK_PARAMETERS: StackParameters = {
  invocationLogGroupName: BEDROCK_LOG_GROUP,
  invocationLogRetentionDays: 30,
  existingLogGroup: '',
  manageInvocationLogging: true,
  largeDataBucket: '',
  invocationText: 'short',
  invocationLogKmsKeyArn: '',
  ingestMode: 'direct',
  kinesisShards: 1,
  kinesisRetentionHours: 24,
  reservedConcurrency: 0,
  maximumRetryAttempts: 2,
  maximumEventAgeSeconds: 21_600,
  metricsNamespace: 'BedrockWatch',
  metricSet: DEFAULT_METRIC_SET,
  serviceName: 'bedrock-watch',
  logLevel: 'INFO',
  attributionKeys: [],
  attributionMaxValues: 25,
  resolveInferenceProfiles: true,
  configJson: '',
  watchedModels: [],
  watchedAccounts: [],
  warningEmail: '',
  criticalEmail: '',
  latencyP95WarningMs: 3000,
  latencyP95CriticalMs: 5000,
  errorRateWarningPct: 1,
  errorRateCriticalPct: 2,
  throttleRateWarningPct: 1,
  throttleRateCriticalPct: 5,
  clientErrorRateWarningPct: 5,
  clientErrorRateCriticalPct: 0,
  alarmWindowMinutes: 10,
  latencyWindowMinutes: 5,
  alarmClearWindows: 3,
  minInvocationsForRate: 20,
  minBadEventsForRate: 6,
  anomalyBandWidth: 2,
  anomalyPeriodMinutes: 15,
  truncationRateWarningPct: 10,
  guardrailRateWarningPct: 5,
  quotaWarningPct: 80,
  quotaCriticalPct: 95,
  quotas: {},
  concurrencyLimits: {},
  concurrencyWarningPct: 80,
  concurrencyCriticalPct: 95,
  feedbackLogGroup: false,
  rejectedRecordsWarningPct: 5,
  deliveryLagWarningMs: 15 * 60_000,
  highOutputTokens: 4000,
  dashboardRegions: [],
  monthlyBudgetUsd: 0,
  modelBudgets: '',
  teamBudgets: '',
  accountBudgets: '',
  topContributorCostPerHourUsd: 0,
  topContributorTokensPerHour: 0,
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
  billReconciliation: true,
  billDriftWarningPct: 5,
  organizationId: '',
  sourceRegions: [],
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

/** `modelId=limit;…` or an object of limits: whole numbers of calls in flight, at least 1. */
function parseConcurrencyLimits(value: unknown): Record<string, number> {
  const entries: [string, unknown][] =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.entries(value)
      : String(value ?? '')
          .split(';')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((entry) => {
            const match = /^(.+)=([^=]+)$/.exec(entry);
            if (!match) throw new StackParameterError(`concurrencyLimits: "${entry}" is not modelId=limit`);
            return [match[1] as string, match[2]];
          });
  const limits: Record<string, number> = {};
  for (const [modelId, raw] of entries) {
    const limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new StackParameterError(
        `concurrencyLimits: ${modelId} needs a whole number of calls of at least 1 (got ${String(raw)})`,
      );
    }
    limits[modelId] = limit;
  }
  return limits;
}

/** One given value, converted to its default's type and checked on its own. */
function parameterValue(key: keyof StackParameters, value: unknown): unknown {
  const fallback = DEFAULT_STACK_PARAMETERS[key];
  if (key === 'quotas') return parseQuotas(value);
  if (key === 'concurrencyLimits') return parseConcurrencyLimits(value);
  if (Array.isArray(fallback)) return list(value);
  if (typeof fallback === 'number') {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new StackParameterError(`${key}: "${value}" is not a non-negative number`);
    return n;
  }
  if (typeof fallback === 'boolean') {
    if (![true, false, 'true', 'false'].includes(value as string | boolean)) {
      throw new StackParameterError(`${key}: "${value}" is not true or false`);
    }
    return value === true || value === 'true';
  }
  return String(value);
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
    if (given(key)) target[key] = parameterValue(key, raw[key]);
  }
  // An adopted group's retention is its owner's: the default keeps text on there instead of `short`.
  if (!given('invocationText') && params.existingLogGroup !== '') params.invocationText = 'on';
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
  'minBadEventsForRate',
  'alarmWindowMinutes',
  'latencyWindowMinutes',
  'alarmClearWindows',
  'anomalyPeriodMinutes',
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
  if (!(METRIC_SETS as readonly string[]).includes(params.metricSet)) {
    fail(`metricSet: "${params.metricSet}" is not ${METRIC_SETS.join(' or ')}`);
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
  for (const key of [
    'truncationRateWarningPct',
    'guardrailRateWarningPct',
    'clientErrorRateWarningPct',
    'clientErrorRateCriticalPct',
  ] as const) {
    if (params[key] > 100) fail(`${key}: a share of calls, between 0 (no alarm) and 100`);
  }
  checkAlarmEvidence(params);
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
  checkWatchedModels(params.watchedModels);
}

/**
 * The evidence the rate, latency and anomaly alarms wait for. Three periods of at most an hour
 * stay within CloudWatch's limit on an alarm's evaluation range (a day).
 */
function checkAlarmEvidence(params: StackParameters): void {
  for (const key of ['alarmWindowMinutes', 'latencyWindowMinutes', 'anomalyPeriodMinutes'] as const) {
    if (params[key] < 1 || params[key] > 60) fail(`${key}: whole minutes from 1 to 60`);
  }
  // At least 2: the latency warning needs 2 windows; N windows of at most an hour stay within a day.
  if (params.alarmClearWindows < 2 || params.alarmClearWindows > 24)
    fail('alarmClearWindows: a whole number of windows from 2 to 24');
  if (params.minBadEventsForRate < 1)
    fail('minBadEventsForRate: at least 1 (a rate alarm needs a bad call to have evidence)');
  const { clientErrorRateWarningPct: warning, clientErrorRateCriticalPct: critical } = params;
  if (critical > 0 && warning > critical)
    fail('clientErrorRateWarningPct must not exceed clientErrorRateCriticalPct');
}

/** Model ids the price table knows, the ids a suggestion may name. */
const KNOWN_MODEL_IDS: readonly string[] = [...new Set(priceData.prices.map((p) => p.modelId))];

/** A foundation-model id with its version (`-v1:0`, `-v3`, `-1:0`), a context variant (`:200k`) allowed. */
const VERSIONED_MODEL_ID = /^[a-z0-9-]+\.[a-z0-9][a-z0-9.-]*?(?:-v\d+(?::\d+)?|:\d+)(?::\d+[km])?$/;
/** A cross-region inference profile: a geography prefix before a model id (`us.`, `eu.`, `global.`, …). */
const PROFILE_PREFIX = /^(?:us|eu|apac|us-gov|global|jp|au|ca)\./;
/** A Bedrock ARN of a model, profile, provisioned or custom model, as an application logs it. */
const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d{0,12}:[a-z-]+\/[A-Za-z0-9.:_/-]+$/;

/**
 * Whether a watched model id is one Bedrock could log: an ARN, or (with or without a profile's
 * geography prefix) a model id the price table knows or one carrying a version.
 */
export function isWatchableModelId(id: string): boolean {
  if (id.startsWith('arn:')) return BEDROCK_ARN.test(id);
  const base = id.replace(PROFILE_PREFIX, '');
  return KNOWN_MODEL_IDS.includes(base) || VERSIONED_MODEL_ID.test(base);
}

/** The known id a mistyped one most likely meant: one it begins or is part of, else the nearest by spelling. */
export function closestModelId(id: string): string | undefined {
  const prefix = PROFILE_PREFIX.exec(id)?.[0] ?? '';
  const base = id.slice(prefix.length);
  const shortest = (ids: string[]) => ids.sort((a, b) => a.length - b.length)[0];
  const near =
    shortest(KNOWN_MODEL_IDS.filter((k) => k.startsWith(base))) ??
    shortest(KNOWN_MODEL_IDS.filter((k) => k.includes(base))) ??
    closestName(base, KNOWN_MODEL_IDS);
  return near === undefined ? undefined : `${prefix}${near}`;
}

/**
 * A watched model that Bedrock never logs gets alarms that never fire (and cost money).
 * @throws StackParameterError naming the id and the closest known one.
 */
function checkWatchedModels(ids: readonly string[]): void {
  for (const id of ids) {
    if (isWatchableModelId(id)) continue;
    const near = closestModelId(id);
    fail(
      `watchedModels: "${id}" is not a Bedrock model id, inference profile id or ARN${near ? ` (did you mean "${near}"?)` : ''}; give the id exactly as the invocation logs show it`,
    );
  }
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
  // A Contributor Insights path reads `$.team.name` as a nested field and documents no quoting, so
  // the rules of such a key would match nothing; refused here rather than deployed silently empty.
  for (const key of params.attributionKeys) {
    const special = /[.-]/.exec(key)?.[0];
    if (special)
      fail(
        `attributionKeys: "${key}" contains "${special}", which Contributor Insights rule paths ($.${key}) cannot quote, so its top-N rules would match nothing; use a requestMetadata key of letters, digits and _`,
      );
  }
}

/** The log levels Powertools' logger knows (POWERTOOLS_LOG_LEVEL); any other is ignored at run time. */
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
/** Shares of calls, quotas or records: a threshold above 100 % could never be reached. */
const PERCENT_PARAMETERS = [
  'errorRateWarningPct',
  'errorRateCriticalPct',
  'throttleRateWarningPct',
  'throttleRateCriticalPct',
  'quotaWarningPct',
  'quotaCriticalPct',
  'concurrencyWarningPct',
  'concurrencyCriticalPct',
  'rejectedRecordsWarningPct',
] as const;
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
/** A region id: us-east-1, eu-central-2, cn-north-1, us-gov-west-1. */
const REGION_ID = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** An EventBridge bus name (a partner bus has slashes), or the ARN of one. */
const EVENT_BUS = /^(?:arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._\-/]{1,256}$/;

/**
 * Strings and numbers AWS (or Powertools) would only take or refuse at deploy or run time: an
 * e-mail SNS rejects, a region no dashboard widget can read, a log level Powertools ignores.
 */
function checkShapes(params: StackParameters): void {
  for (const key of ['warningEmail', 'criticalEmail'] as const)
    if (params[key] !== '' && !EMAIL.test(params[key]))
      fail(`${key}: "${params[key]}" is not one e-mail address`);
  for (const region of params.dashboardRegions)
    if (!REGION_ID.test(region)) fail(`dashboardRegions: "${region}" is not a region id such as us-east-1`);
  if (!LOG_LEVELS.includes(params.logLevel.toUpperCase()))
    fail(`logLevel: "${params.logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  // A band of width 0 is the model's line itself: every point outside it, the alarm always on.
  if (!(params.anomalyBandWidth > 0)) fail('anomalyBandWidth: must be above 0 (standard deviations)');
  for (const key of PERCENT_PARAMETERS)
    if (params[key] > 100) fail(`${key}: ${params[key]} is not a percentage between 0 and 100`);
  if (!EVENT_BUS.test(params.remediationEventBus))
    fail(
      `remediationEventBus: "${params.remediationEventBus}" is not an event bus name or ARN (the bus must exist)`,
    );
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
    ['concurrencyWarningPct', 'concurrencyCriticalPct'],
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
  checkShapes(params);
  checkConsistency(params);
  checkInvocationText(params);
  checkAlertParameters(params);
  checkOrganization(params);
}

/** An organization id as AWS Organizations gives it: `o-` and 10 to 32 lowercase letters or digits. */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * The organization mode: a well-formed id, regions that are region ids, and Kinesis mode, the only
 * one a cross-account Logs destination can deliver to (refused rather than implied: the mode
 * changes the stack's shape and bill, so it is the user's to choose). No alarm that would read the
 * central account's own AWS/Bedrock metrics or quotas as if they were the organization's.
 */
function checkOrganization(params: StackParameters): void {
  const { organizationId: id, sourceRegions: regions } = params;
  if (id !== '' && !ORGANIZATION_ID.test(id))
    fail(
      `organizationId: "${id}" is not an AWS Organizations id (o- and 10 to 32 lowercase letters or digits)`,
    );
  for (const region of regions)
    if (!REGION_ID.test(region)) fail(`sourceRegions: "${region}" is not a region id such as eu-west-1`);
  if (new Set(regions).size !== regions.length) fail('sourceRegions: a region is named twice');
  if (id === '' && regions.length > 0)
    fail('sourceRegions: needs organizationId (regions of whose accounts?)');
  if (id !== '' && params.ingestMode !== 'kinesis')
    fail(
      'organizationId: member accounts send through Logs destinations, which deliver only to Kinesis: add ingestMode=kinesis',
    );
  if (id === '') return;
  // The central account's AWS/Bedrock metrics and Bedrock quotas are its own, not the members'.
  if (Object.keys(params.quotas).length > 0)
    fail(
      "quotas: Bedrock's quotas are per account and Region, and the organization monitor's per-model series add up every member account: its quota alarms would hold the organization's use against one account's quota",
    );
  if (params.metricSet === 'essential' && params.watchedModels.length > 0)
    fail(
      "watchedModels: with metricSet=essential a watched model's alarms read AWS/Bedrock, which in the central account counts its own calls only, not the members': use metricSet=complete, whose per-model series count every member's calls",
    );
}

/** `invocationText` and the KMS key: both act on the stack's own log group, which an adopted one is not. */
function checkInvocationText(params: StackParameters): void {
  if (!(INVOCATION_TEXT as readonly string[]).includes(params.invocationText))
    fail(`invocationText: "${params.invocationText}" is not ${INVOCATION_TEXT.join(', ')}`);
  if (params.invocationText === 'short' && params.existingLogGroup !== '')
    fail(
      "invocationText: short keeps the stack's own log group 1 day; with existingLogGroup set that group's retention yourself and use on",
    );
  const key = params.invocationLogKmsKeyArn;
  if (key !== '' && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(key))
    fail('invocationLogKmsKeyArn: not a KMS key ARN (arn:aws:kms:region:account:key/id)');
  if (key !== '' && params.existingLogGroup !== '')
    fail(
      "invocationLogKmsKeyArn: encrypts the stack's own log group; with existingLogGroup associate the key with that group yourself",
    );
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
  checked('accountBudgets', () => parseAccountBudgets(params.accountBudgets));
  const account = params.watchedAccounts.find((a, i, all) => !ACCOUNT_ID.test(a) || all.indexOf(a) !== i);
  if (account !== undefined)
    throw new StackParameterError(
      `watchedAccounts: "${account}" is not a 12-digit account id, or is listed twice`,
    );
  for (const team of checked('teamBudgets', () => parseTeamBudgets(params.teamBudgets))) {
    // One cost series per account: the accountBudgets one, which needs no attribution.
    if (team.key === 'account')
      throw new StackParameterError(`teamBudgets: "${team.id}": give an account's budget in accountBudgets`);
    if (!params.attributionKeys.includes(team.key))
      throw new StackParameterError(
        `teamBudgets: "${team.key}" is not in attributionKeys, so no cost is published per ${team.key}`,
      );
  }
  if (
    (params.topContributorCostPerHourUsd > 0 || params.topContributorTokensPerHour > 0) &&
    params.attributionKeys.length === 0
  )
    throw new StackParameterError(
      'topContributorCostPerHourUsd, topContributorTokensPerHour: need attributionKeys (there is no contributor without attribution)',
    );
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
  if (params.billDriftWarningPct <= 0 || params.billDriftWarningPct > 1000)
    throw new StackParameterError('billDriftWarningPct: a percentage above 0 and at most 1000');
  if (params.failoverSwitch && !params.remediationEvents)
    throw new StackParameterError(
      'failoverSwitch: acts on remediation events, so it needs remediationEvents=true',
    );
}

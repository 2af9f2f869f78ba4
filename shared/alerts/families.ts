/**
 * What a responder needs per alarm family: what it means, the unit its values are shown in, which
 * dashboard shows it, a short runbook, whether a machine may act on it (remediation events) and
 * which contributors to list. One entry per family of the contract (shared/contract/alarm-families.ts,
 * which the alarm definitions use too): a family without a guide does not compile. This folder may
 * not import the definitions themselves (the notifier bundles it).
 */
import { ALARM_FAMILIES, type AlarmFamily } from '../contract/alarm-families';

export type { AlarmFamily } from '../contract/alarm-families';

export type DashboardKey = 'operations' | 'model-comparison' | 'executive';

/** How an alarm's value and threshold are written in a message (shared/alerts/view.ts). */
export type ValueUnit = 'USD' | 'ms' | 'pct' | 'tokens' | 'plain';

export interface FamilyGuide {
  /** One line: what the alarm says about the world. */
  meaning: string;
  unit: ValueUnit;
  dashboard: DashboardKey;
  runbook: string[];
  /** A machine can act on it: a remediation event is published for its transitions. */
  remediable?: 'always' | 'critical';
  /** The attribution-line figure that ranks values (teams, callers) in the message: cost, or input + output tokens. */
  contributors?: 'CostUSD' | 'Tokens';
}

const PIPELINE: FamilyGuide = {
  meaning: 'The monitor itself is unhealthy: figures may be missing or late.',
  unit: 'plain',
  dashboard: 'operations',
  runbook: [
    'Open the ingest function logs for errors and rejected records (reasons are logged, bodies never).',
    'Redrive the failure queue once the cause is fixed (docs/reliability.md).',
  ],
};

// Annotated rather than `satisfies`: the same compile error for a missing or unknown family, and a
// lookup typed FamilyGuide instead of a union of 28 literal types.
export const FAMILY_GUIDES: Readonly<Record<AlarmFamily, FamilyGuide>> = {
  'latency-p95': {
    meaning: 'Users wait longer than the threshold for answers.',
    unit: 'ms',
    dashboard: 'operations',
    runbook: [
      'Compare the model with others on the model-comparison dashboard: one model or all?',
      'Check the AWS Health Dashboard for Bedrock in the region; look for longer outputs (OutputTokens).',
      'Fail over to another region or a smaller model if it lasts (see remediation events).',
    ],
    remediable: 'critical',
  },
  'error-rate': {
    meaning: 'Calls fail with service errors (server errors, timeouts, model errors) above the threshold.',
    unit: 'pct',
    dashboard: 'operations',
    runbook: [
      'The error classes on the operations dashboard tell a client bug (Validation, AccessDenied) from a service problem (InternalServer, ModelTimeout).',
      'A deploy just before the rise is the first suspect.',
    ],
  },
  'client-error-rate': {
    meaning:
      "Calls fail with the caller's own errors (ValidationException, AccessDenied) above the threshold.",
    unit: 'pct',
    dashboard: 'operations',
    runbook: [
      'The error classes on the operations dashboard tell validation from access errors; the callers are listed in this message.',
      'A client deploy, a changed prompt template or a removed IAM permission just before the rise is the first suspect.',
    ],
  },
  'throttle-rate': {
    meaning: 'Bedrock throttles calls: the account is at its quota or the service is saturated.',
    unit: 'pct',
    dashboard: 'operations',
    runbook: [
      'Compare tokens and requests per minute with the quota (quota alarms, Service Quotas).',
      'Find the caller that grew (listed in this message); slow it down, spread load with cross-region inference, or ask for a higher quota.',
    ],
    remediable: 'always',
    contributors: 'Tokens',
  },
  'output-tokens-anomaly': {
    meaning: 'Far more output tokens than usual for this time of day.',
    unit: 'tokens',
    dashboard: 'executive',
    runbook: [
      'Find the caller or team behind it (listed in this message); a prompt change or an agent loop is the usual cause.',
    ],
    contributors: 'Tokens',
  },
  'cost-anomaly': {
    meaning: 'Spend is far above its usual level for this time of day.',
    unit: 'USD',
    dashboard: 'executive',
    runbook: ['Find the caller or team behind it (listed in this message) and the model it moved to.'],
    contributors: 'CostUSD',
  },
  'latency-anomaly': {
    meaning: 'p95 latency is unusual (an input to the latency-and-errors alarm).',
    unit: 'plain',
    dashboard: 'operations',
    runbook: ['See latency-and-errors.'],
  },
  'latency-and-errors': {
    meaning: 'Latency is anomalous and errors are above warning at the same time: users are hurting.',
    unit: 'plain',
    dashboard: 'operations',
    runbook: [
      'Treat as an incident: check the AWS Health Dashboard for Bedrock in the region.',
      'Fail over to another region or model if the applications support it.',
    ],
  },
  'quota-tpm': {
    meaning: 'Tokens per minute are close to the account quota: throttling follows.',
    unit: 'pct',
    dashboard: 'operations',
    runbook: [
      'Find the caller that grew; request a quota increase in Service Quotas or shift load to another region.',
    ],
    contributors: 'Tokens',
  },
  'estimated-tpm-quota': {
    meaning:
      'Bedrock’s own estimate of tokens-per-minute quota use (burndown included) is close to the quota: throttling follows.',
    unit: 'pct',
    dashboard: 'operations',
    runbook: [
      'Find the caller that grew; lower max_tokens (Bedrock reserves it at the start of a call), request a quota increase or shift load to another region.',
    ],
    contributors: 'Tokens',
  },
  'quota-rpm': {
    meaning: 'Requests per minute are close to the account quota: throttling follows.',
    unit: 'pct',
    dashboard: 'operations',
    runbook: ['Find the caller that grew; batch requests, or request a quota increase.'],
  },
  'truncation-rate': {
    meaning: 'More answers than usual stop at the output-token limit: users get cut-off answers.',
    unit: 'pct',
    dashboard: 'model-comparison',
    runbook: [
      'Compare the model with others on the model-comparison dashboard (truncation rate, output/input tokens).',
      'A prompt change or a lowered max_tokens in a deploy is the usual cause; raise the limit or ask for shorter answers.',
    ],
    contributors: 'Tokens',
  },
  'guardrail-rate': {
    meaning: 'A guardrail intervenes in more calls than usual: abuse, or a guardrail that is too strict.',
    unit: 'pct',
    dashboard: 'model-comparison',
    runbook: [
      'Look at the guardrail’s own metrics (AWS/Bedrock/Guardrails, InvocationsIntervened) by policy type.',
      'A new guardrail version or a new caller is the usual cause (callers listed in this message).',
    ],
  },
  concurrency: {
    meaning:
      'Calls in flight (Little’s law: calls × average latency ÷ period) are close to the model’s concurrency limit.',
    unit: 'pct',
    dashboard: 'operations',
    runbook: [
      'Latency rising at the same volume raises concurrency too: check the latency alarms first.',
      'Spread load with cross-region inference, lower client parallelism, or ask for a higher limit.',
    ],
    contributors: 'Tokens',
  },
  budget: {
    meaning: 'This month’s spend has reached the share of the budget in the alarm name.',
    unit: 'USD',
    dashboard: 'executive',
    runbook: [
      'The teams and callers listed in this message spent most this month; confirm the spend is expected with their owners.',
      'At 90 %: decide now whether to raise the budget, move traffic to a cheaper model, or stop a caller (see remediation events).',
    ],
    remediable: 'always',
    contributors: 'CostUSD',
  },
  'budget-projection': {
    meaning: 'At the rate so far this month, spend will end above the budget.',
    unit: 'USD',
    dashboard: 'executive',
    runbook: [
      'Compare the projection with last month; find the teams and callers that grew (listed in this message).',
      'Act before the 90 % alarm: cheaper model, caching, or a conversation with the top spender.',
    ],
    remediable: 'always',
    contributors: 'CostUSD',
  },
  'token-spike': {
    meaning: 'Tokens in the last hour are well above the same hour on previous days.',
    unit: 'pct',
    dashboard: 'executive',
    runbook: [
      'Find the caller or team behind the spike (listed in this message): an agent loop, a batch job or a new feature.',
      'If unexpected, throttle that caller before it shows in the budget.',
    ],
    contributors: 'Tokens',
  },
  'bill-drift': {
    meaning:
      'bedrock-watch’s cost for a closed day is off Amazon Bedrock’s bill for it by more than the threshold.',
    unit: 'plain',
    dashboard: 'executive',
    runbook: [
      'Read the reconcile function’s log line for the day: estimate, bill and drift.',
      'Estimate low: look for unpriced calls (UnpricedInvocations), models or tiers missing from the price table, batch jobs, or Bedrock charges the log does not carry (provisioned throughput, guardrails, knowledge bases); run `npm run prices -- update`.',
      'Estimate high: private pricing, credits or discounts lower the bill; layer your own prices over the table (docs/pricing.md).',
    ],
  },
  'top-contributor-cost': {
    meaning: 'One team or caller (named in this message) spent more than the hourly threshold.',
    unit: 'plain',
    dashboard: 'executive',
    runbook: [
      'The top contributors widget of the executive dashboard shows who and since when; the saved Logs Insights query "cost per <key> and model" shows on which models.',
      'Ask the owner whether the spend is expected; raise the threshold or set a budget for them if it is.',
    ],
    contributors: 'CostUSD',
  },
  'top-contributor-tokens': {
    meaning: 'One team or caller (named in this message) used more tokens in an hour than the threshold.',
    unit: 'plain',
    dashboard: 'executive',
    runbook: [
      'The top contributors widget of the executive dashboard shows who; a runaway loop or a new batch job is the usual cause.',
      'Slow the caller down before it hits the account quota for everyone (quota alarms).',
    ],
    contributors: 'Tokens',
  },
  'notifier-failures': {
    meaning: 'Some alarm notifications could not be delivered to a destination.',
    unit: 'plain',
    dashboard: 'operations',
    runbook: [
      'Read the notifier function logs for the destination and the HTTP status (secrets are never logged).',
      'Fix the webhook or key in its secret, then redrive the notifier failure queue.',
    ],
  },
  'scheduled-errors': {
    meaning:
      'A scheduled function (month-to-date or reconcile) failed: the budget, projection, token-spike or bill-drift figures it publishes are stale, and those alarms hold their last state.',
    unit: 'plain',
    dashboard: 'operations',
    runbook: [
      'Read the function’s log group (/aws/lambda/<function> in the alarm’s dimensions) for the error: throttled GetMetricData, access denied, a timeout.',
      'Run it once by hand (aws lambda invoke) after the fix: the next scheduled run would do it too.',
    ],
  },
  'scheduled-not-running': {
    meaning:
      'A scheduled function has not run for longer than its schedule allows: the figures it publishes are missing and the alarms on them hold their last state.',
    unit: 'plain',
    dashboard: 'operations',
    runbook: [
      'Check its EventBridge schedule is enabled (reconcile: billReconciliation) and the function exists.',
      'Look for throttling (AWS/Lambda Throttles, the account’s concurrency) and a failed deployment.',
      'Right after a first deploy this alarm is in ALARM until the first run: within the hour for month-to-date, the next 06:30 UTC for reconcile.',
    ],
  },
  'pipeline-ingest-errors': PIPELINE,
  'pipeline-failure-queue-depth': PIPELINE,
  // A share of the records received.
  'pipeline-rejected-records': { ...PIPELINE, unit: 'pct' },
  'pipeline-unpriced-invocations': {
    ...PIPELINE,
    runbook: ['Add the missing price (docs/pricing.md): until then cost figures and budgets are low.'],
  },
  'pipeline-emf-rejected': PIPELINE,
  'pipeline-bedrock-log-delivery': PIPELINE,
  // The monitor's figures do not depend on it (it never reads the bucket): what is lost is the bodies.
  'pipeline-bedrock-large-data-delivery': {
    ...PIPELINE,
    meaning:
      'Bedrock could not write large request or response bodies (over 100 KB) to the large-data S3 bucket: those bodies are not kept.',
    runbook: [
      'Check that the bucket still exists in the stack’s region: `largeDataBucket` names it, or the stack’s LargeDataBucket resource when it is `create`.',
      'Check its bucket policy still lets bedrock.amazonaws.com put objects under invocation-bodies/ for this account (the statement is in docs/deploy.md, "A large-data bucket of your own"); the deploy checked it (Bedrock refuses a logging setting it cannot write with), so look for a change since.',
      'If the bucket’s default encryption is a customer-managed KMS key, its key policy must let Bedrock use the key (kms:GenerateDataKey); the bucket the stack creates uses SSE-S3 and needs none.',
    ],
  },
  'pipeline-delivery-lag': PIPELINE,
};

/** Families by length, longest first, so `budget-projection-…` is not read as `budget`. */
const BY_LENGTH: readonly AlarmFamily[] = [...ALARM_FAMILIES].sort((a, b) => b.length - a.length);

/**
 * The family and key of an alarm of this stack, from its name (`<prefix>-<key>`, every key starts
 * with its family); undefined for an alarm of another stack.
 * @example familyOf('bw-prod-budget-90-all', 'bw-prod') // { family: 'budget', key: 'budget-90-all' }
 */
export function familyOf(
  alarmName: string,
  namePrefix: string,
): { family: AlarmFamily; key: string } | undefined {
  if (!alarmName.startsWith(`${namePrefix}-`)) return undefined;
  const key = alarmName.slice(namePrefix.length + 1);
  const family = BY_LENGTH.find((f) => key === f || key.startsWith(`${f}-`));
  return family ? { family, key } : undefined;
}

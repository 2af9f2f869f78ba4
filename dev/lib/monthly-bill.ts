/**
 * What the monitor itself costs for a reference month: 1,000,000 invocations over 10 models, with
 * `caller` (10 roles) and `team` (20 teams) attribution on. Simulates one day of that traffic
 * through the real pipeline in the chosen metric set, counts the metric series each hour receives
 * data for (CloudWatch prorates custom metrics by the hour), the log bytes, the lines each
 * Contributor Insights rule matches and the Lambda requests and GB-seconds; builds the stack's
 * alarms, dashboards, rules and hourly queries from the same definitions the deploy uses; then
 * prices everything at list prices.
 */

import { readEmfSeries } from '../../shared/analysis/emf-reader';
import { INVOCATION_SCHEMA_TYPE } from '../../shared/contract/bedrock-logs';
import {
  ATTRIBUTION_RECORD,
  ATTRIBUTION_RECORD_FIELD,
  DEFAULT_METRIC_SET,
  DEFAULT_NAMESPACE,
  DEFAULT_SERVICE,
  HEALTH,
  type MetricSet,
} from '../../shared/contract/metrics';
import type { LogEvent } from '../../shared/ingest/1-decode';
import { createPriceTable, type PriceData } from '../../shared/ingest/5-price';
import { AttributionResolver, sanitiseValue } from '../../shared/ingest/6-attribute';
import { ingestBatch } from '../../shared/ingest/batch';
import priceData from '../../shared/ingest/price-table.json';
import { buildAlarmDefinitions } from '../../shared/monitoring/alarms/index';
import { hourlySettings } from '../../shared/monitoring/alerting';
import { buildDashboards } from '../../shared/monitoring/dashboards/index';
import { buildInsightRules, buildQueryDefinitions, contributionOf } from '../../shared/monitoring/insights';
import { parseStackParameters, type StackParameters } from '../../shared/monitoring/parameters';
import { prng } from './prng';

/**
 * List prices, us-east-1, in one place: CloudWatch (aws.amazon.com/cloudwatch/pricing: metrics,
 * alarms, dashboards, logs, Contributor Insights, GetMetricData, Logs Insights) and Lambda
 * (aws.amazon.com/lambda/pricing), consulted 2026-11-26/27. CloudWatch's always-free tier is
 * applied, assuming nothing else in the account uses it: 10 custom metrics, 10 alarm metrics, 3
 * dashboards, one Contributor Insights rule and its first million matched events
 * (`totalWithoutFreeTierUsd` shows the bill without it). The paid rates of Contributor Insights,
 * Logs Insights and GetMetricData are as issue #11 gives them (the stored pricing page shows only
 * their free tier): check them.
 */
export const LIST_PRICES = {
  date: '2026-11-27',
  source: 'aws.amazon.com/cloudwatch/pricing and aws.amazon.com/lambda/pricing (us-east-1)',
  customMetricPerMonth: 0.3,
  /** The free tier's 10 custom metrics, as metric-hours (10 × 730). */
  freeCustomMetrics: 10,
  hoursPerMonth: 730,
  logIngestionPerGb: 0.5,
  logStoragePerGbMonth: 0.03,
  alarmMetricPerMonth: 0.1,
  freeAlarmMetrics: 10,
  /** An anomaly-detection alarm bills its metric and the band's two bounds. */
  anomalyAlarmMetrics: 3,
  compositeAlarmPerMonth: 0.5,
  dashboardPerMonth: 3,
  freeDashboards: 3,
  contributorInsightsRulePerMonth: 0.5,
  freeContributorInsightsRules: 1,
  contributorInsightsPerMillionEvents: 0.02,
  freeContributorInsightsEvents: 1_000_000,
  logsInsightsPerGbScanned: 0.005,
  getMetricDataPerThousandMetrics: 0.01,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  /** aws.amazon.com/aws-cost-management/aws-cost-explorer/pricing: each API request. */
  costExplorerPerRequest: 0.01,
};

/**
 * The reconcile function (billReconciliation, on by default): one run a day, one GetCostAndUsage
 * request a run (a second page would cost another cent), a second or so at 128 MB, and the three
 * figures it publishes once a day (a custom metric is billed for each hour it receives data).
 */
export const RECONCILIATION_RUN = {
  runsPerMonth: 30,
  costExplorerRequestsPerRun: 1,
  seconds: 1,
  memoryGb: 0.125,
  metrics: 3,
};

/**
 * The weekly advisor: a run a week (30/7 a month), scanning the week's invocation log twice with
 * Logs Insights (the planning query over the whole week, then the rows queries, which together
 * cover it once more), up to 2 minutes at 1 GB while it polls the queries (an assumption: Logs
 * Insights' run time is not measured here), and its 6 series (SavingsMonthlyUSD and
 * SavingsFindings per basis), each written one hour a week.
 */
export const WEEKLY_ADVICE_RUN = {
  runsPerMonth: 30 / 7,
  scansPerRun: 2,
  seconds: 120,
  memoryGb: 1,
  metrics: 6,
};

export interface ReferenceMonth {
  invocations: number;
  models: number;
  teams: number;
  /** Distinct caller roles (the `caller` attribution key). */
  callers: number;
  /** Whether `caller` and `team` attribution are on. */
  attribution: boolean;
  /** Teams with a budget (`teamBudgets`): the only attribution values with a metric series. */
  budgetedTeams: number;
  metricSet: MetricSet;
  /** Each team calls this many of the models. */
  modelsPerTeam: number;
  /** A subscription delivers a batch about this often while traffic flows (an assumption). */
  batchWindowSeconds: number;
  errorRate: number;
  memoryGb: number;
  /** Whether the stack reconciles with the bill daily (billReconciliation). */
  reconciliation?: boolean;
  /** Fixed cost per invocation plus cost per record, from the bench's measurement. */
  msPerBatch: number;
  msPerRecord: number;
}

export const DEFAULT_REFERENCE: Omit<ReferenceMonth, 'msPerRecord'> = {
  invocations: 1_000_000,
  models: 10,
  teams: 20,
  callers: 10,
  attribution: true,
  budgetedTeams: 0,
  metricSet: DEFAULT_METRIC_SET,
  modelsPerTeam: 3,
  batchWindowSeconds: 5,
  errorRate: 0.03,
  memoryGb: 0.25,
  msPerBatch: 5,
};

/** The month-to-date function: one run an hour, about a second at 128 MB; the notifier is off. */
export const HOURLY_RUN = { gb: 0.125, seconds: 1 };
/** START, END and REPORT lines Lambda writes per invocation, bytes. */
export const PLATFORM_BYTES_PER_INVOCATION = 350;
/** The health metrics (Powertools, `[service]`) per batch, bytes. */
export const HEALTH_BYTES_PER_BATCH = 600;

export const MODELS = (priceData as PriceData).prices.slice(0, 40).map((p) => p.modelId);
export const ERRORS = [
  'ThrottlingException',
  'ValidationException',
  'ModelTimeoutException',
  'InternalServerException',
  'AccessDeniedException',
  'ModelErrorException',
];

const teamName = (i: number) => `team-${String(i + 1).padStart(3, '0')}`;
const callerName = (i: number) => `app-${String(i + 1).padStart(2, '0')}-role`;

/**
 * The stack parameters the reference month deploys with: the defaults, with `caller` and `team`
 * attribution (and budgets for `budgetedTeams` teams); the opt-in top-contributor alarms are off,
 * as by default (each adds one alarm metric, $0.10 a month).
 */
export function referenceParameters(reference: ReferenceMonth): StackParameters {
  return parseStackParameters({
    metricSet: reference.metricSet,
    ...(reference.attribution
      ? {
          attributionKeys: 'caller,team',
          attributionMaxValues: String(Math.max(25, reference.teams + 5)),
          teamBudgets: Array.from(
            { length: reference.budgetedTeams },
            (_, i) => `team/${teamName(i)}=500`,
          ).join(';'),
        }
      : {}),
  });
}

export interface BillEstimate {
  reference: ReferenceMonth;
  metricSet: MetricSet;
  metricHoursPerMonth: number;
  distinctSeries: number;
  seriesByKind: { model: number; attribution: number; health: number; hourly: number };
  emfBytesPerMonth: number;
  attributionLinesPerMonth: number;
  attributionBytesPerMonth: number;
  logBytesPerMonth: number;
  alarmMetrics: number;
  compositeAlarms: number;
  dashboards: number;
  insightRules: number;
  insightMatchedEventsPerMonth: number;
  savedQueries: number;
  /** No function runs a Logs Insights query: the saved queries bill only when someone runs them. */
  logsInsightsGbScannedPerMonth: number;
  getMetricDataMetricsPerMonth: number;
  lambdaRequestsPerMonth: number;
  lambdaGbSeconds: number;
  parts: Record<string, number>;
  totalUsd: number;
  /** The same month if the account's free tier were used up by something else. */
  totalWithoutFreeTierUsd: number;
}

/** One day of call times, busier in working hours. */
function callTimes(perDay: number, rand: () => number): number[] {
  const day = Date.parse('2026-11-02T00:00:00Z');
  const weights = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 20 ? 3 : 1));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const times: number[] = [];
  weights.forEach((w, h) => {
    const n = Math.round((perDay * w) / weightSum);
    for (let i = 0; i < n; i++) times.push(day + h * 3_600_000 + Math.floor(rand() * 3_600_000));
  });
  return times.sort((a, b) => a - b);
}

/** One invocation record of the reference traffic (the order of `rand()` calls is the seed's). */
function referenceRecord(
  i: number,
  time: number,
  rand: () => number,
  reference: ReferenceMonth,
  teams: readonly string[],
  teamModels: readonly string[][],
): string {
  const t = Math.floor(rand() * teams.length);
  const modelId = teamModels[t]?.[Math.floor(rand() * reference.modelsPerTeam)] as string;
  const failed = rand() < reference.errorRate;
  const record: Record<string, unknown> = {
    schemaType: INVOCATION_SCHEMA_TYPE,
    timestamp: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    operation: rand() < 0.5 ? 'Converse' : 'InvokeModelWithResponseStream',
    modelId,
    requestMetadata: { team: teams[t] },
    identity: { arn: `arn:aws:sts::123456789012:assumed-role/${callerName(t % reference.callers)}/s` },
  };
  if (failed) record.errorCode = ERRORS[Math.floor(rand() * ERRORS.length)];
  else {
    const latency = 300 + Math.floor(rand() * 4000);
    record.input = { inputTokenCount: 50 + Math.floor(rand() * 2000) };
    record.output =
      record.operation === 'Converse'
        ? {
            outputTokenCount: 10 + Math.floor(rand() * 800),
            outputBodyJson: { metrics: { latencyMs: latency } },
          }
        : {
            outputTokenCount: 10 + Math.floor(rand() * 800),
            outputBodyJson: [
              {
                'amazon-bedrock-invocationMetrics': {
                  invocationLatency: latency,
                  firstByteLatency: Math.floor(latency / 4),
                },
              },
            ],
          };
  }
  return JSON.stringify(record);
}

/** What a day of reference traffic makes the function write, hour by hour. */
interface DayOutput {
  docsPerHour: Map<number, string[]>;
  healthHours: Set<number>;
  emfBytes: number;
  attributionLines: string[];
  attributionBytes: number;
  batches: number;
  records: number;
  /** The invocation records' own bytes (what the weekly advisor's queries scan). */
  recordBytes: number;
}

/** Runs a day of reference traffic through the pipeline in subscription-sized batches. */
function runDay(reference: ReferenceMonth, params: StackParameters): DayOutput {
  const rand = prng(42);
  const models = MODELS.slice(0, reference.models);
  const teams = Array.from({ length: reference.teams }, (_, i) => teamName(i));
  const teamModels = teams.map((_, t) =>
    Array.from({ length: reference.modelsPerTeam }, (_, k) => models[(t + k * 3) % models.length] as string),
  );
  const times = callTimes(Math.round(reference.invocations / 30), rand);
  const table = createPriceTable(priceData as PriceData);
  const attribution = reference.attribution
    ? new AttributionResolver({
        keys: params.attributionKeys,
        maxValues: params.attributionMaxValues,
        allow: {},
      })
    : undefined;
  const budgeted = new Map([
    ['team', new Set(Array.from({ length: reference.budgetedTeams }, (_, i) => sanitiseValue(teamName(i))))],
  ]);
  // Each hour's EMF, read as CloudWatch reads it: a metric is billed for every hour it gets data.
  const out: DayOutput = {
    docsPerHour: new Map(),
    healthHours: new Set(),
    emfBytes: 0,
    attributionLines: [],
    attributionBytes: 0,
    batches: 0,
    records: 0,
    recordBytes: 0,
  };
  const flush = (events: LogEvent[], nowMs: number) => {
    if (events.length === 0) return;
    out.batches++;
    out.records += events.length;
    const result = ingestBatch(
      { messageType: 'DATA_MESSAGE', logEvents: events },
      {
        nowMs,
        priceTable: table,
        emf: { namespace: DEFAULT_NAMESPACE, service: DEFAULT_SERVICE, metricSet: reference.metricSet },
        ...(attribution ? { attribution, budgetedValues: budgeted } : {}),
      },
    );
    for (const doc of result.documents) {
      if (doc.startsWith(`{"${ATTRIBUTION_RECORD_FIELD}"`)) {
        out.attributionLines.push(doc);
        out.attributionBytes += Buffer.byteLength(doc) + 1;
        continue;
      }
      out.emfBytes += Buffer.byteLength(doc) + 1;
      const hour = Math.floor(Number(/"Timestamp":(\d+)/.exec(doc)?.[1]) / 3_600_000);
      let docs = out.docsPerHour.get(hour);
      if (!docs) {
        docs = [];
        out.docsPerHour.set(hour, docs);
      }
      docs.push(doc);
    }
    out.emfBytes += HEALTH_BYTES_PER_BATCH;
    out.healthHours.add(Math.floor(nowMs / 3_600_000));
  };
  let window: LogEvent[] = [];
  let windowEnd = 0;
  times.forEach((time, i) => {
    if (time >= windowEnd) {
      flush(window, windowEnd);
      window = [];
      windowEnd = time + reference.batchWindowSeconds * 1000;
    }
    const message = referenceRecord(i, time, rand, reference, teams, teamModels);
    out.recordBytes += Buffer.byteLength(message);
    window.push({ id: String(i), timestamp: time, message });
  });
  flush(window, windowEnd);
  return out;
}

/** The reconcile function's month: Cost Explorer requests, its Lambda, its daily metrics. */
export function reconciliationUsd(): number {
  const r = RECONCILIATION_RUN;
  const p = LIST_PRICES;
  const costExplorer = r.runsPerMonth * r.costExplorerRequestsPerRun * p.costExplorerPerRequest;
  const lambda =
    (r.runsPerMonth / 1e6) * p.lambdaPerMillionRequests +
    r.runsPerMonth * r.seconds * r.memoryGb * p.lambdaArmPerGbSecond;
  const metrics = (r.metrics * r.runsPerMonth * p.customMetricPerMonth) / p.hoursPerMonth;
  return costExplorer + lambda + metrics;
}

/**
 * The weekly advisor's month for invocation logs of `logBytesPerMonth`: Logs Insights scans, its
 * Lambda and its weekly metrics.
 */
export function weeklyAdviceUsd(logBytesPerMonth: number): { usd: number; gbScanned: number } {
  const r = WEEKLY_ADVICE_RUN;
  const p = LIST_PRICES;
  // Each run scans one week of the log twice: over a month, the month's bytes twice.
  const gbScanned = (r.scansPerRun * logBytesPerMonth) / 1e9;
  const lambda =
    (r.runsPerMonth / 1e6) * p.lambdaPerMillionRequests +
    r.runsPerMonth * r.seconds * r.memoryGb * p.lambdaArmPerGbSecond;
  const metrics = (r.metrics * r.runsPerMonth * p.customMetricPerMonth) / p.hoursPerMonth;
  return { usd: gbScanned * p.logsInsightsPerGbScanned + lambda + metrics, gbScanned };
}

/** Alarm metrics as CloudWatch bills them: each metric an alarm reads, three for an anomaly band. */
export function alarmCounts(params: StackParameters): { alarmMetrics: number; compositeAlarms: number } {
  const names = {
    namePrefix: 'bw',
    ingestFunctionName: 'bw-ingest',
    ingestLogGroupName: '/aws/lambda/bw-ingest',
    failureQueueName: 'bw-q',
  };
  let alarmMetrics = 0;
  let compositeAlarms = 0;
  for (const def of buildAlarmDefinitions(params, names)) {
    if (def.kind === 'composite') {
      compositeAlarms++;
      continue;
    }
    const metrics = def.queries.filter(
      (q) => q.metric || q.expression?.startsWith('INSIGHT_RULE_METRIC'),
    ).length;
    alarmMetrics += def.thresholdMetricId ? metrics * LIST_PRICES.anomalyAlarmMetrics : metrics;
  }
  return { alarmMetrics, compositeAlarms };
}

/** Metrics the hourly function requests with GetMetricData per run: the month's cost, then its scopes. */
export function getMetricDataPerRun(params: StackParameters): number {
  const hourly = hourlySettings(params);
  return 1 + (hourly?.costScopes.length ?? 0) + 3 * (hourly?.tokenScopes.length ?? 0);
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Simulates one day of the reference month and scales it to 30 days. */
export function estimateMonthlyBill(reference: ReferenceMonth): BillEstimate {
  const params = referenceParameters(reference);
  const day = runDay(reference, params);
  const health = [
    HEALTH.recordsReceived,
    HEALTH.recordsAccepted,
    HEALTH.duplicateRecords,
    HEALTH.rejectedRecords,
    HEALTH.deliveryLag,
  ];
  const kinds = { model: new Set<string>(), attribution: new Set<string>() };
  let metricHoursPerDay = day.healthHours.size * health.length;
  for (const docs of day.docsPerHour.values()) {
    const series = readEmfSeries(docs);
    metricHoursPerDay += series.size;
    for (const [key, s] of series) ('team' in s.dimensions ? kinds.attribution : kinds.model).add(key);
  }
  // The hourly function, every hour.
  const hourly = hourlySettings(params);
  // Month to date and its projection (the provisioned part is written only when there is one: the
  // reference month has none), and 2 per budget scope.
  const hourlySeries = 2 + 2 * (hourly?.costScopes.length ?? 0);
  const metricHoursPerMonth = metricHoursPerDay * 30 + hourlySeries * LIST_PRICES.hoursPerMonth;

  const rules = buildInsightRules(params, { namePrefix: 'bw', ingestLogGroupName: '/aws/lambda/bw-ingest' });
  let matchedPerDay = 0;
  for (const line of day.attributionLines) {
    const doc = JSON.parse(line) as Record<string, unknown>;
    if (doc[ATTRIBUTION_RECORD_FIELD] !== ATTRIBUTION_RECORD) continue;
    for (const rule of rules) if (contributionOf(rule, doc)) matchedPerDay++;
  }
  const { alarmMetrics, compositeAlarms } = alarmCounts(params);
  const dashboards = buildDashboards(
    params,
    {
      namePrefix: 'bw',
      ingestFunctionName: 'bw-ingest',
      ingestLogGroupName: '/aws/lambda/bw-ingest',
      failureQueueName: 'bw-q',
    },
    [],
  ).length;
  const p = LIST_PRICES;
  const emfBytesPerMonth = day.emfBytes * 30;
  const attributionBytesPerMonth = day.attributionBytes * 30;
  const lambdaRequestsPerMonth = day.batches * 30 + p.hoursPerMonth;
  const logBytesPerMonth =
    emfBytesPerMonth + attributionBytesPerMonth + lambdaRequestsPerMonth * PLATFORM_BYTES_PER_INVOCATION;
  const lambdaGbSeconds =
    ((day.batches * reference.msPerBatch + day.records * reference.msPerRecord) / 1000) *
      reference.memoryGb *
      30 +
    p.hoursPerMonth * HOURLY_RUN.gb * HOURLY_RUN.seconds;
  const insightMatchedEventsPerMonth = matchedPerDay * 30;
  const advice = weeklyAdviceUsd(day.recordBytes * 30);
  const getMetricDataMetricsPerMonth = getMetricDataPerRun(params) * p.hoursPerMonth;
  const parts = {
    customMetrics:
      (Math.max(0, metricHoursPerMonth - p.freeCustomMetrics * p.hoursPerMonth) * p.customMetricPerMonth) /
      p.hoursPerMonth,
    logIngestion: (logBytesPerMonth / 1e9) * p.logIngestionPerGb,
    logStorage: (logBytesPerMonth / 1e9) * p.logStoragePerGbMonth,
    alarms:
      Math.max(0, alarmMetrics - p.freeAlarmMetrics) * p.alarmMetricPerMonth +
      compositeAlarms * p.compositeAlarmPerMonth,
    dashboards: Math.max(0, dashboards - p.freeDashboards) * p.dashboardPerMonth,
    contributorInsights:
      Math.max(0, rules.length - p.freeContributorInsightsRules) * p.contributorInsightsRulePerMonth +
      (Math.max(0, insightMatchedEventsPerMonth - p.freeContributorInsightsEvents) / 1e6) *
        p.contributorInsightsPerMillionEvents,
    logsInsights: 0,
    weeklyAdvice: advice.usd,
    getMetricData: (getMetricDataMetricsPerMonth / 1000) * p.getMetricDataPerThousandMetrics,
    lambdaRequests: (lambdaRequestsPerMonth / 1e6) * p.lambdaPerMillionRequests,
    lambdaCompute: lambdaGbSeconds * p.lambdaArmPerGbSecond,
    reconciliation: reference.reconciliation === false ? 0 : reconciliationUsd(),
  };
  return {
    reference,
    metricSet: reference.metricSet,
    metricHoursPerMonth,
    distinctSeries: kinds.model.size + kinds.attribution.size + health.length + hourlySeries,
    seriesByKind: {
      model: kinds.model.size,
      attribution: kinds.attribution.size,
      health: health.length,
      hourly: hourlySeries,
    },
    emfBytesPerMonth,
    attributionLinesPerMonth: day.attributionLines.length * 30,
    attributionBytesPerMonth,
    logBytesPerMonth,
    alarmMetrics,
    compositeAlarms,
    dashboards,
    insightRules: rules.length,
    insightMatchedEventsPerMonth,
    savedQueries: buildQueryDefinitions(params, {
      namePrefix: 'bw',
      ingestLogGroupName: '/aws/lambda/bw-ingest',
    }).length,
    logsInsightsGbScannedPerMonth: round(advice.gbScanned),
    getMetricDataMetricsPerMonth,
    lambdaRequestsPerMonth,
    lambdaGbSeconds: round(lambdaGbSeconds),
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)])),
    totalUsd: round(Object.values(parts).reduce((a, b) => a + b, 0)),
    totalWithoutFreeTierUsd: round(
      Object.values(parts).reduce((a, b) => a + b, 0) +
        p.freeCustomMetrics * p.customMetricPerMonth +
        Math.min(alarmMetrics, p.freeAlarmMetrics) * p.alarmMetricPerMonth +
        Math.min(dashboards, p.freeDashboards) * p.dashboardPerMonth +
        Math.min(rules.length, p.freeContributorInsightsRules) * p.contributorInsightsRulePerMonth +
        (Math.min(insightMatchedEventsPerMonth, p.freeContributorInsightsEvents) / 1e6) *
          p.contributorInsightsPerMillionEvents,
    ),
  };
}

/**
 * The part of a bill attribution adds: the bill with attribution on minus the same month without
 * it (rules, matched events, attribution lines, the budgeted values' series, their alarms).
 */
export function attributionUsd(reference: ReferenceMonth): number {
  return round(
    estimateMonthlyBill(reference).totalUsd -
      estimateMonthlyBill({ ...reference, attribution: false }).totalUsd,
  );
}

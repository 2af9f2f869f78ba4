/**
 * What the monitor itself costs for a reference month: 1,000,000 invocations over 10 models and 20
 * teams with attribution on. Simulates one day of that traffic through the real pipeline, counts
 * the metric series each hour receives data for (CloudWatch prorates custom metrics by the hour),
 * the EMF bytes, and the Lambda requests and GB-seconds, then prices them at list prices.
 */

import { readEmfSeries } from '../../shared/analysis/emf-reader';
import { INVOCATION_SCHEMA_TYPE } from '../../shared/contract/bedrock-logs';
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE, HEALTH } from '../../shared/contract/metrics';
import type { LogEvent } from '../../shared/ingest/1-decode';
import { createPriceTable, type PriceData } from '../../shared/ingest/5-price';
import { AttributionResolver } from '../../shared/ingest/6-attribute';
import { ingestBatch } from '../../shared/ingest/batch';
import priceData from '../../shared/ingest/price-table.json';
import { prng } from './prng';

/** List prices, us-east-1, consulted 2026-11-26 (aws.amazon.com/cloudwatch/pricing, aws.amazon.com/lambda/pricing). */
export const LIST_PRICES = {
  date: '2026-11-26',
  customMetricPerMonth: 0.3,
  hoursPerMonth: 730,
  logIngestionPerGb: 0.5,
  logStoragePerGbMonth: 0.03,
  alarmMetricPerMonth: 0.1,
  freeAlarmMetrics: 10,
  compositeAlarmPerMonth: 0.5,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  freeDashboards: 3,
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

export interface ReferenceMonth {
  invocations: number;
  models: number;
  teams: number;
  /** Whether the `team` attribution dimension is on. */
  attribution: boolean;
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
  /** From the default template: alarm metrics and composite alarms. */
  alarmMetrics: number;
  compositeAlarms: number;
  dashboards: number;
}

export const DEFAULT_REFERENCE: Omit<ReferenceMonth, 'msPerRecord'> = {
  invocations: 1_000_000,
  models: 10,
  teams: 20,
  attribution: true,
  modelsPerTeam: 3,
  batchWindowSeconds: 5,
  errorRate: 0.03,
  memoryGb: 0.25,
  msPerBatch: 5,
  // 36, +1 the bill-drift alarm (billReconciliation, on by default), +4 the truncation-rate and
  // guardrail-rate warnings on all models (2 metrics each, issue #12).
  alarmMetrics: 41,
  compositeAlarms: 1,
  dashboards: 3,
};

const MODELS = (priceData as PriceData).prices.slice(0, 40).map((p) => p.modelId);
const ERRORS = [
  'ThrottlingException',
  'ValidationException',
  'ModelTimeoutException',
  'InternalServerException',
  'AccessDeniedException',
  'ModelErrorException',
];

export interface BillEstimate {
  reference: ReferenceMonth;
  metricHoursPerMonth: number;
  distinctSeries: number;
  seriesByKind: { model: number; attribution: number; health: number };
  emfBytesPerMonth: number;
  lambdaRequestsPerMonth: number;
  lambdaGbSeconds: number;
  parts: Record<string, number>;
  totalUsd: number;
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
    identity: { arn: `arn:aws:sts::123456789012:assumed-role/${teams[t]}-role/s` },
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
  batches: number;
  records: number;
}

/** Runs a day of reference traffic through the pipeline in subscription-sized batches. */
function runDay(reference: ReferenceMonth): DayOutput {
  const rand = prng(42);
  const models = MODELS.slice(0, reference.models);
  const teams = Array.from({ length: reference.teams }, (_, i) => `team-${String(i + 1).padStart(2, '0')}`);
  const teamModels = teams.map((_, t) =>
    Array.from({ length: reference.modelsPerTeam }, (_, k) => models[(t + k * 3) % models.length] as string),
  );
  const times = callTimes(Math.round(reference.invocations / 30), rand);
  const table = createPriceTable(priceData as PriceData);
  const attribution = reference.attribution
    ? new AttributionResolver({ keys: ['team'], maxValues: 25, allow: {} })
    : undefined;
  // Each hour's EMF, read as CloudWatch reads it: a metric is billed for every hour it gets data.
  const out: DayOutput = {
    docsPerHour: new Map(),
    healthHours: new Set(),
    emfBytes: 0,
    batches: 0,
    records: 0,
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
        emf: { namespace: DEFAULT_NAMESPACE, service: DEFAULT_SERVICE },
        ...(attribution ? { attribution } : {}),
      },
    );
    for (const doc of result.documents) {
      out.emfBytes += Buffer.byteLength(doc) + 1;
      const hour = Math.floor(Number(/"Timestamp":(\d+)/.exec(doc)?.[1]) / 3_600_000);
      let docs = out.docsPerHour.get(hour);
      if (!docs) {
        docs = [];
        out.docsPerHour.set(hour, docs);
      }
      docs.push(doc);
    }
    // Health metrics (Powertools, [service]), about 600 bytes a batch.
    out.emfBytes += 600;
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

/** Simulates one day of the reference month and scales it to 30 days. */
export function estimateMonthlyBill(reference: ReferenceMonth): BillEstimate {
  const { docsPerHour, healthHours, emfBytes, batches, records } = runDay(reference);
  const health = [
    HEALTH.recordsReceived,
    HEALTH.recordsAccepted,
    HEALTH.duplicateRecords,
    HEALTH.rejectedRecords,
    HEALTH.deliveryLag,
  ];
  const kinds = { model: new Set<string>(), attribution: new Set<string>() };
  let metricHoursPerDay = healthHours.size * health.length;
  for (const docs of docsPerHour.values()) {
    const series = readEmfSeries(docs);
    metricHoursPerDay += series.size;
    for (const [key, s] of series) ('team' in s.dimensions ? kinds.attribution : kinds.model).add(key);
  }
  const metricHoursPerMonth = metricHoursPerDay * 30;
  const emfBytesPerMonth = emfBytes * 30;
  const lambdaRequestsPerMonth = batches * 30;
  const lambdaGbSeconds =
    ((batches * reference.msPerBatch + records * reference.msPerRecord) / 1000) * reference.memoryGb * 30;
  const p = LIST_PRICES;
  const parts = {
    customMetrics: (metricHoursPerMonth * p.customMetricPerMonth) / p.hoursPerMonth,
    emfIngestion: (emfBytesPerMonth / 1e9) * p.logIngestionPerGb,
    emfStorage: (emfBytesPerMonth / 1e9) * p.logStoragePerGbMonth,
    alarms:
      Math.max(0, reference.alarmMetrics - p.freeAlarmMetrics) * p.alarmMetricPerMonth +
      reference.compositeAlarms * p.compositeAlarmPerMonth,
    dashboards: Math.max(0, reference.dashboards - p.freeDashboards) * 3,
    lambdaRequests: (lambdaRequestsPerMonth / 1e6) * p.lambdaPerMillionRequests,
    lambdaCompute: lambdaGbSeconds * p.lambdaArmPerGbSecond,
    reconciliation: reference.reconciliation === false ? 0 : reconciliationUsd(),
  };
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    reference,
    metricHoursPerMonth,
    distinctSeries: kinds.model.size + kinds.attribution.size + health.length,
    seriesByKind: { model: kinds.model.size, attribution: kinds.attribution.size, health: health.length },
    emfBytesPerMonth,
    lambdaRequestsPerMonth,
    lambdaGbSeconds: round(lambdaGbSeconds),
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)])),
    totalUsd: round(Object.values(parts).reduce((a, b) => a + b, 0)),
  };
}

/**
 * What the central monitor of an Organization costs a month (issue 23): member accounts in two
 * regions ship their invocation records through a CloudWatch Logs destination to the central
 * Kinesis stream, whose event source mapping runs the same ingest function. The traffic is sampled,
 * not simulated for a whole month (200 accounts are 200M calls): a busy and a quiet stretch of
 * minutes go through the real pipeline in the batches the stack's mapping forms (BatchSize records
 * or its batching window, one call per Kinesis record, the most batches the same calls can make),
 * and what they write is scaled to the month's busy and quiet minutes. Every series seen is billed
 * every hour of the month (at these volumes every series gets data each hour: an upper bound).
 * Prices: LIST_PRICES (CloudWatch, Lambda) and KINESIS_PRICES (Kinesis Data Streams).
 */

import { gzipSync } from 'node:zlib';
import { readEmfSeries } from '../../shared/analysis/emf-reader';
import { INVOCATION_SCHEMA_TYPE } from '../../shared/contract/bedrock-logs';
import { ATTRIBUTION_RECORD_FIELD, HEALTH, type MetricSet } from '../../shared/contract/metrics';
import type { LogEvent } from '../../shared/ingest/1-decode';
import { createPriceTable, type PriceData } from '../../shared/ingest/5-price';
import { AttributionResolver, dimensionNameOf } from '../../shared/ingest/6-attribute';
import { ingestBatch } from '../../shared/ingest/batch';
import priceData from '../../shared/ingest/price-table.json';
import { hourlySettings } from '../../shared/monitoring/alerting';
import { buildDashboards } from '../../shared/monitoring/dashboards/index';
import { buildInsightRules, contributionOf } from '../../shared/monitoring/insights';
import { parseStackParameters, type StackParameters } from '../../shared/monitoring/parameters';
import { KINESIS_LIMITS, KINESIS_PRICES, PEAK_OVER_MEAN } from './bench-capacity';
import { type KinesisSettings, kinesisSettings } from './bench-kinesis';
import {
  alarmCounts,
  DEFAULT_REFERENCE,
  ERRORS,
  estimateMonthlyBill,
  getMetricDataPerRun,
  HEALTH_BYTES_PER_BATCH,
  HOURLY_RUN,
  LIST_PRICES,
  MODELS,
  PLATFORM_BYTES_PER_INVOCATION,
  reconciliationUsd,
  weeklyAdviceUsd,
} from './monthly-bill';
import { prng } from './prng';

/**
 * Data transfer between regions, the member region that is not the stream's: aws.amazon.com/ec2/pricing/on-demand
 * ("Data Transfer within AWS", US East to another region), not in the stored pages: check it.
 */
export const INTER_REGION_PER_GB = 0.02;

export interface OrganizationMonth {
  accounts: number;
  /** Each account calls Bedrock in each region, half its calls in each; the stream is in the first. */
  regions: readonly string[];
  callsPerAccount: number;
  models: number;
  /** Teams across the organization (requestMetadata.team), each calling `modelsPerTeam` models. */
  teams: number;
  modelsPerTeam: number;
  /** Caller roles per account (callers are told apart by account, so `caller` has accounts × this values). */
  callersPerAccount: number;
  errorRate: number;
  metricSet: MetricSet;
  /** Measured handler time per record (the bench's ingest measurement). */
  msPerRecord: number;
  /** Minutes of busy and of quiet traffic put through the pipeline. */
  sampleMinutes: number;
}

export const ORGANIZATION_REFERENCE: Omit<OrganizationMonth, 'accounts' | 'msPerRecord' | 'metricSet'> = {
  regions: ['us-east-1', 'eu-west-1'],
  callsPerAccount: 1_000_000,
  models: 10,
  teams: 20,
  modelsPerTeam: 3,
  callersPerAccount: 10,
  errorRate: 0.03,
  sampleMinutes: 10,
};

/** Working hours (12 of 24) carry three times the traffic of the others, as the single-account month. */
const BUSY_SHARE = 3 / 4;
const DAYS = 30;
const MINUTES_PER_HALF_MONTH = 12 * 60 * DAYS;

export const ORGANIZATION_KEYS = 'caller,team,account,region';

/**
 * The central stack's parameters: organization mode (Kinesis, the mapping batching a minute),
 * caller, team, account and region attributed, every other parameter at its default (so callers and
 * teams are capped at attributionMaxValues' default, accounts and regions at 1,000 each).
 */
export function organizationParameters(month: Pick<OrganizationMonth, 'metricSet'>): StackParameters {
  return parseStackParameters({
    metricSet: month.metricSet,
    ingestMode: 'kinesis',
    organizationId: 'o-bench0000000',
    attributionKeys: ORGANIZATION_KEYS,
  });
}

const accountId = (i: number) => String(100_000_000_000 + i * 7919).padStart(12, '0');

/** One member's invocation record (no prompt or answer text, as the stack's logging config writes). */
function memberRecord(i: number, time: number, rand: () => number, month: OrganizationMonth): string {
  const a = Math.floor(rand() * month.accounts);
  const region = month.regions[Math.floor(rand() * month.regions.length)] as string;
  const t = Math.floor(rand() * month.teams);
  const models = MODELS.slice(0, month.models);
  const modelId = models[(t + Math.floor(rand() * month.modelsPerTeam) * 3) % models.length] as string;
  const account = accountId(a);
  const roleName = `app-${String(Math.floor(rand() * month.callersPerAccount) + 1).padStart(2, '0')}`;
  const role = roleName;
  const record: Record<string, unknown> = {
    schemaType: INVOCATION_SCHEMA_TYPE,
    timestamp: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    accountId: account,
    region,
    requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    operation: 'Converse',
    modelId,
    requestMetadata: { team: `team-${String(t + 1).padStart(3, '0')}` },
    identity: { arn: `arn:aws:sts::${account}:assumed-role/${role}/s` },
  };
  if (rand() < month.errorRate) record.errorCode = ERRORS[Math.floor(rand() * ERRORS.length)];
  else {
    record.input = { inputTokenCount: 50 + Math.floor(rand() * 2000) };
    record.output = {
      outputTokenCount: 10 + Math.floor(rand() * 800),
      outputBodyJson: { metrics: { latencyMs: 300 + Math.floor(rand() * 4000) } },
    };
  }
  return JSON.stringify(record);
}

/** What the sampled minutes made the function write. */
interface Sample {
  series: Set<string>;
  emfBytes: number;
  attributionLines: number;
  /** Attribution lines per key (continuation lines of long latency lists count for their key too). */
  linesByKey: Record<string, number>;
  attributionBytes: number;
  matchedEvents: number;
  invocations: number;
  records: number;
  recordBytes: number;
  gzipBytes: number;
}

const emptySample = (): Sample => ({
  series: new Set(),
  emfBytes: 0,
  attributionLines: 0,
  linesByKey: {},
  attributionBytes: 0,
  matchedEvents: 0,
  invocations: 0,
  records: 0,
  recordBytes: 0,
  gzipBytes: 0,
});

/** A subscription payload of one call, gzipped, as a Kinesis record carries it. */
const gzipBytesOf = (message: string, time: number) =>
  gzipSync(
    JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/bedrock/invocations',
      logStream: 'aws/bedrock/modelinvocations',
      subscriptionFilters: ['bedrock-watch'],
      logEvents: [{ id: '0', timestamp: time, message }],
    }),
  ).length;

/** Puts `minutes` of traffic at `perMinute` calls through the pipeline, batched as the mapping batches. */
function runSample(
  month: OrganizationMonth,
  params: StackParameters,
  settings: KinesisSettings,
  perMinute: number,
  seed: number,
): Sample {
  const rand = prng(seed);
  const start = Date.parse('2026-11-02T10:00:00Z');
  const calls = Math.round(perMinute * month.sampleMinutes);
  const times = Array.from(
    { length: calls },
    () => start + Math.floor(rand() * month.sampleMinutes * 60_000),
  ).sort((a, b) => a - b);
  const table = createPriceTable(priceData as PriceData);
  const attribution = new AttributionResolver({
    keys: params.attributionKeys,
    maxValues: params.attributionMaxValues,
    allow: {},
  });
  const rules = buildInsightRules(params, { namePrefix: 'bw', ingestLogGroupName: '/aws/lambda/bw-ingest' });
  const out = emptySample();
  const flush = (events: LogEvent[], nowMs: number) => {
    if (events.length === 0) return;
    out.invocations++;
    out.records += events.length;
    const result = ingestBatch(
      { messageType: 'DATA_MESSAGE', logEvents: events },
      {
        nowMs,
        priceTable: table,
        emf: { namespace: params.metricsNamespace, service: params.serviceName, metricSet: month.metricSet },
        attribution,
        budgetedValues: new Map(),
      },
    );
    const emf: string[] = [];
    for (const doc of result.documents) {
      if (!doc.startsWith(`{"${ATTRIBUTION_RECORD_FIELD}"`)) {
        emf.push(doc);
        out.emfBytes += Buffer.byteLength(doc) + 1;
        continue;
      }
      out.attributionLines++;
      out.attributionBytes += Buffer.byteLength(doc) + 1;
      const line = JSON.parse(doc) as Record<string, unknown>;
      for (const rule of rules) if (contributionOf(rule, line)) out.matchedEvents++;
      const key = params.attributionKeys.find((k) => typeof line[dimensionNameOf(k)] === 'string') ?? '?';
      out.linesByKey[key] = (out.linesByKey[key] ?? 0) + 1;
    }
    for (const key of readEmfSeries(emf).keys()) out.series.add(key);
    out.emfBytes += HEALTH_BYTES_PER_BATCH;
  };
  let batch: LogEvent[] = [];
  let closesAt = 0;
  times.forEach((time, i) => {
    if (batch.length >= settings.batchSize || (batch.length > 0 && time >= closesAt)) {
      flush(batch, Math.min(time, closesAt));
      batch = [];
    }
    if (batch.length === 0) closesAt = time + settings.batchingWindowSeconds * 1000;
    const message = memberRecord(i, time, rand, month);
    out.recordBytes += Buffer.byteLength(message);
    // Gzip a tenth of the records: the mean size of a one-call payload, at a tenth of the CPU.
    if (i % 10 === 0) out.gzipBytes += 10 * gzipBytesOf(message, time);
    batch.push({ id: String(i), timestamp: time, message });
  });
  flush(batch, closesAt);
  return out;
}

export interface OrganizationBill {
  accounts: number;
  regions: number;
  callsPerMonth: number;
  metricSet: MetricSet;
  /** What drives the bill, per month. */
  distinctSeries: number;
  attributionLinesPerMonth: number;
  attributionLinesByKeyPerMonth: Record<string, number>;
  attributionGbPerMonth: number;
  insightRules: number;
  insightMatchedEventsPerMonth: number;
  logGbPerMonth: number;
  lambdaInvocationsPerMonth: number;
  shards: number;
  alarmMetrics: number;
  dashboards: number;
  /** The central account's monthly bill, by part (USD). */
  central: Record<string, number>;
  centralUsd: number;
  /** What each member account pays for its own invocation logs and their delivery (USD). */
  memberPerAccount: Record<string, number>;
  memberPerAccountUsd: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The month's figures from the two samples: each scaled to its half of the month's minutes. */
function scaleSamples(busy: Sample, quiet: Sample, sampleMinutes: number) {
  const scale = MINUTES_PER_HALF_MONTH / sampleMinutes;
  const month = (f: (s: Sample) => number) => (f(busy) + f(quiet)) * scale;
  const perKey = (f: (s: Sample) => Record<string, number>) =>
    Object.fromEntries(
      [...new Set([...Object.keys(f(busy)), ...Object.keys(f(quiet))])].map((k) => [
        k,
        Math.round(month((s) => f(s)[k] ?? 0)),
      ]),
    );
  return {
    series: new Set([...busy.series, ...quiet.series]).size,
    emfBytes: month((s) => s.emfBytes),
    attributionLines: month((s) => s.attributionLines),
    linesByKey: perKey((s) => s.linesByKey),
    attributionBytes: month((s) => s.attributionBytes),
    matchedEvents: month((s) => s.matchedEvents),
    invocations: month((s) => s.invocations),
    records: month((s) => s.records),
    recordBytes: month((s) => s.recordBytes),
    gzipBytes: month((s) => s.gzipBytes),
  };
}

/** Shards for the month's peak (PEAK_OVER_MEAN × the mean), one call per record, as the capacity plan sizes them. */
function shardsFor(callsPerMonth: number, gzipBytesPerCall: number, settings: KinesisSettings): number {
  const peak = (callsPerMonth / (LIST_PRICES.hoursPerMonth * 3600)) * PEAK_OVER_MEAN;
  const use = Math.max(
    peak / KINESIS_LIMITS.shardWriteRecordsPerSecond,
    (peak * gzipBytesPerCall) / KINESIS_LIMITS.shardWriteBytesPerSecond,
    (peak * gzipBytesPerCall) / KINESIS_LIMITS.shardReadBytesPerSecond,
  );
  return Math.max(settings.shards, Math.ceil(use));
}

/** The central monitor's and each member's month. */
export function estimateOrganizationBill(
  month: OrganizationMonth,
  settings: KinesisSettings,
): OrganizationBill {
  const params = organizationParameters(month);
  const callsPerMonth = month.accounts * month.callsPerAccount;
  const perMinute = callsPerMonth / (2 * MINUTES_PER_HALF_MONTH);
  const busy = runSample(month, params, settings, 2 * BUSY_SHARE * perMinute, 42);
  const quiet = runSample(month, params, settings, 2 * (1 - BUSY_SHARE) * perMinute, 43);
  const m = scaleSamples(busy, quiet, month.sampleMinutes);
  const p = LIST_PRICES;
  const names = {
    namePrefix: 'bw',
    ingestFunctionName: 'bw-ingest',
    ingestLogGroupName: '/aws/lambda/bw-ingest',
    failureQueueName: 'bw-q',
  };
  const rules = buildInsightRules(params, names).length;
  const { alarmMetrics, compositeAlarms } = alarmCounts(params);
  const dashboards = buildDashboards(params, names, []).length;
  const health = [
    HEALTH.recordsReceived,
    HEALTH.recordsAccepted,
    HEALTH.duplicateRecords,
    HEALTH.rejectedRecords,
    HEALTH.deliveryLag,
  ];
  const hourlySeries = 2 + 2 * (hourlySettings(params)?.costScopes.length ?? 0);
  const series = m.series + health.length + hourlySeries;
  const lambdaRequests = m.invocations + p.hoursPerMonth;
  const logBytes = m.emfBytes + m.attributionBytes + lambdaRequests * PLATFORM_BYTES_PER_INVOCATION;
  const gzipPerCall = m.gzipBytes / m.records;
  const shards = shardsFor(callsPerMonth, gzipPerCall, settings);
  const k = KINESIS_PRICES;
  const central = {
    customMetrics: Math.max(0, series - p.freeCustomMetrics) * p.customMetricPerMonth,
    logIngestion: (logBytes / 1e9) * p.logIngestionPerGb,
    logStorage: (logBytes / 1e9) * p.logStoragePerGbMonth,
    alarms:
      Math.max(0, alarmMetrics - p.freeAlarmMetrics) * p.alarmMetricPerMonth +
      compositeAlarms * p.compositeAlarmPerMonth,
    dashboards: Math.max(0, dashboards - p.freeDashboards) * p.dashboardPerMonth,
    contributorInsightsRules:
      Math.max(0, rules - p.freeContributorInsightsRules) * p.contributorInsightsRulePerMonth,
    contributorInsightsEvents:
      (Math.max(0, m.matchedEvents - p.freeContributorInsightsEvents) / 1e6) *
      p.contributorInsightsPerMillionEvents,
    kinesisShardHours: shards * p.hoursPerMonth * k.shardHour,
    kinesisPutUnits:
      ((m.records * Math.ceil(gzipPerCall / k.putPayloadUnitBytes)) / 1e6) * k.perMillionPutPayloadUnits,
    lambdaRequests: (lambdaRequests / 1e6) * p.lambdaPerMillionRequests,
    lambdaCompute:
      (((m.records * month.msPerRecord) / 1000) * (settings.memoryMb / 1024) +
        p.hoursPerMonth * HOURLY_RUN.gb * HOURLY_RUN.seconds) *
      p.lambdaArmPerGbSecond,
    getMetricData:
      ((getMetricDataPerRun(params) * p.hoursPerMonth) / 1000) * p.getMetricDataPerThousandMetrics,
    reconciliation: reconciliationUsd(),
    // The invocation logs stay in the members' accounts: the advisor's queries have none to scan.
    weeklyAdvice: weeklyAdviceUsd(0).usd,
  };
  const memberBytes = m.recordBytes / month.accounts;
  const crossRegionShare = (month.regions.length - 1) / month.regions.length;
  const memberPerAccount = {
    invocationLogIngestion: (memberBytes / 1e9) * p.logIngestionPerGb,
    invocationLogStorage: (memberBytes / 1e9) * p.logStoragePerGbMonth,
    interRegionDelivery: ((m.gzipBytes / month.accounts) * crossRegionShare * INTER_REGION_PER_GB) / 1e9,
  };
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  const rounded = (o: Record<string, number>) =>
    Object.fromEntries(Object.entries(o).map(([key, v]) => [key, round(v)]));
  return {
    accounts: month.accounts,
    regions: month.regions.length,
    callsPerMonth,
    metricSet: month.metricSet,
    distinctSeries: series,
    attributionLinesPerMonth: Math.round(m.attributionLines),
    attributionLinesByKeyPerMonth: m.linesByKey,
    attributionGbPerMonth: round(m.attributionBytes / 1e9),
    insightRules: rules,
    insightMatchedEventsPerMonth: Math.round(m.matchedEvents),
    logGbPerMonth: round(logBytes / 1e9),
    lambdaInvocationsPerMonth: Math.round(lambdaRequests),
    shards,
    alarmMetrics,
    dashboards,
    central: rounded(central),
    centralUsd: round(sum(central)),
    memberPerAccount: rounded(memberPerAccount),
    memberPerAccountUsd: round(sum(memberPerAccount)),
  };
}

const millions = (n: number) => `${(n / 1e6).toFixed(1)}M`;
const perKeyText = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${millions(v)}`)
    .join(', ');

/** The report's lines for one organization month. */
export function organizationLines(b: OrganizationBill, target: string): string[] {
  return [
    `  ${b.accounts} accounts x ${b.regions} regions (${millions(b.callsPerMonth)} calls, metricSet ${b.metricSet}): central $${b.centralUsd} (target ${target}); each member $${b.memberPerAccountUsd}`,
    `    ${b.distinctSeries} metric series, ${b.alarmMetrics} alarm metrics, ${b.dashboards} dashboards, ${b.insightRules} Contributor Insights rules (${millions(b.insightMatchedEventsPerMonth)} matched events), ${millions(b.attributionLinesPerMonth)} attribution lines (${b.attributionGbPerMonth} GB), ${b.logGbPerMonth} GB logged, ${b.shards} shard, ${millions(b.lambdaInvocationsPerMonth)} invocations`,
    `    attribution lines per key: ${perKeyText(b.attributionLinesByKeyPerMonth)}`,
    `    central parts: ${Object.entries(b.central)
      .map(([k, v]) => `${k} $${v}`)
      .join(', ')}`,
    `    each member: ${Object.entries(b.memberPerAccount)
      .map(([k, v]) => `${k} $${v}`)
      .join(', ')}`,
  ];
}

/** A full stack in every member account instead: the single-account estimator's month, once per stack. */
export interface FullStackComparison {
  metricSet: MetricSet;
  /** One stack per account with all its calls (how issue 23 put it). */
  perAccountUsd: number;
  /** One stack per account and region, half the calls each, the free tier in each (a lower bound). */
  perAccountAndRegionUsd: number;
  accounts20Usd: { perAccount: number; perAccountAndRegion: number };
  accounts200Usd: { perAccount: number; perAccountAndRegion: number };
}

export function fullStackComparison(
  metricSet: MetricSet,
  msPerRecord: number,
  regions: number,
): FullStackComparison {
  const stack = (invocations: number) =>
    estimateMonthlyBill({ ...DEFAULT_REFERENCE, invocations, msPerRecord, metricSet }).totalUsd;
  const perAccount = stack(ORGANIZATION_REFERENCE.callsPerAccount);
  const perAccountAndRegion = regions * stack(ORGANIZATION_REFERENCE.callsPerAccount / regions);
  const times = (n: number) => ({
    perAccount: round(n * perAccount),
    perAccountAndRegion: round(n * perAccountAndRegion),
  });
  return {
    metricSet,
    perAccountUsd: perAccount,
    perAccountAndRegionUsd: round(perAccountAndRegion),
    accounts20Usd: times(20),
    accounts200Usd: times(200),
  };
}

/** Issue 23's target for the central monitor: $60 a month at 20 accounts, within 10 % of that at 200. */
export const ORGANIZATION_TARGET = { accounts20Usd: 60, growthAt200: 0.1 };

/**
 * The bench's organization part: the reference month at 20 and 200 accounts in both metric sets
 * (the 200-account target is the 20-account month plus 10 %, and at most $66), what drives it (a
 * what-if with the mapping batching a minute, and the line count without the model in the lines),
 * and what a full stack in every account would cost instead.
 */
export function organizationPart(msPerRecord: number): { result: Record<string, unknown>; lines: string[] } {
  // The mapping as the organization stack packages it (KINESIS_BATCHING.organization).
  const settings = kinesisSettings(organizationParameters({ metricSet: 'complete' }));
  const sets = ['complete', 'essential'] as const;
  const at = (accounts: number, metricSet: MetricSet) =>
    estimateOrganizationBill({ ...ORGANIZATION_REFERENCE, accounts, metricSet, msPerRecord }, settings);
  const target200 = (at20: OrganizationBill) =>
    round(
      Math.min(ORGANIZATION_TARGET.accounts20Usd, at20.centralUsd) * (1 + ORGANIZATION_TARGET.growthAt200),
    );
  const bills = sets.map((metricSet) => {
    const accounts20 = at(20, metricSet);
    const accounts200 = at(200, metricSet);
    return {
      metricSet,
      accounts20,
      accounts200,
      target200Usd: target200(accounts20),
      meetsTarget:
        accounts20.centralUsd <= ORGANIZATION_TARGET.accounts20Usd &&
        accounts200.centralUsd <= target200(accounts20),
    };
  });
  const full = sets.map((metricSet) =>
    fullStackComparison(metricSet, msPerRecord, ORGANIZATION_REFERENCE.regions.length),
  );
  const lines = [
    `organization month (central monitor, Kinesis mode as the stack configures it: BatchSize ${settings.batchSize}, window ${settings.batchingWindowSeconds} s; ${ORGANIZATION_REFERENCE.callsPerAccount.toLocaleString('en-US')} calls per account a month in ${ORGANIZATION_REFERENCE.regions.join(' and ')}, ${ORGANIZATION_REFERENCE.models} models, attributionKeys ${ORGANIZATION_KEYS}, ${ORGANIZATION_REFERENCE.callersPerAccount} roles per account, ${ORGANIZATION_REFERENCE.teams} teams):`,
  ];
  for (const b of bills) {
    lines.push(...organizationLines(b.accounts20, `<= $${ORGANIZATION_TARGET.accounts20Usd}`));
    lines.push(...organizationLines(b.accounts200, `<= $${b.target200Usd}`));
    lines.push(`    ${b.metricSet}: target ${b.meetsTarget ? 'met' : 'not met'}`);
  }
  const at200 = bills[1]?.accounts200;
  if (at200)
    lines.push(
      `  what grows with the accounts: the attribution lines (200 accounts, essential: ${perKeyText(at200.attributionLinesByKeyPerMonth)}), one per value, model (caller, team) and minute in each batch, bounded by the value caps; account and region lines sum every model`,
    );
  for (const f of full)
    lines.push(
      `  a full stack in every account instead (${f.metricSet}): $${f.perAccountUsd} each, $${f.accounts20Usd.perAccount} at 20 accounts, $${f.accounts200Usd.perAccount} at 200; one per account and region: $${f.accounts20Usd.perAccountAndRegion} and $${f.accounts200Usd.perAccountAndRegion}`,
    );
  return {
    result: {
      reference: { ...ORGANIZATION_REFERENCE, attributionKeys: ORGANIZATION_KEYS, kinesis: settings },
      targets: {
        accounts20Usd: `<= ${ORGANIZATION_TARGET.accounts20Usd}`,
        accounts200Usd: '<= the 20-account month + 10 % (and <= 66)',
      },
      bills,
      fullStackEverywhere: full,
      interRegionPerGb: INTER_REGION_PER_GB,
    },
    lines,
  };
}

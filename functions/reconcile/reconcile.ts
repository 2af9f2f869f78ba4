/**
 * Reconciliation against the bill: bedrock-watch's own cost of a closed day (the CostUSD it
 * published) beside what Cost Explorer says Amazon Bedrock cost in the same region that day. The
 * difference is how far to trust the live figure: private pricing, credits, models or tiers not in
 * the price table, and calls the log cannot price all show up here.
 *
 * The day is the UTC day two days back: Cost Explorer fills a day in over the following 24 hours or
 * so. One GetCostAndUsage request a day ($0.01 each; a second page costs another).
 */

import type { GetMetricDataCommandInput, GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import type {
  GetCostAndUsageCommandInput,
  GetCostAndUsageCommandOutput,
} from '@aws-sdk/client-cost-explorer';
import { DIM_SERVICE, RECONCILIATION } from '../../shared/contract/metrics';
import { hourlyCostQuery } from '../month-to-date/month-to-date';

const DAY_MS = 86_400_000;

/** Cost Explorer's service name for Amazon Bedrock's own charges. */
export const BEDROCK_SERVICE = 'Amazon Bedrock';
/** Models sold through AWS Marketplace (Claude 4.x and others) are billed as `<model> (Amazon Bedrock Edition)`. */
export const MARKETPLACE_SUFFIX = '(Amazon Bedrock Edition)';

export interface ReconcileDay {
  /** 00:00 UTC of the day. */
  startMs: number;
  endMs: number;
  /** YYYY-MM-DD, as Cost Explorer takes it. */
  date: string;
  /** The next day (Cost Explorer's end is exclusive). */
  nextDate: string;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The closed UTC day two days before `nowMs`. */
export function reconcileDay(nowMs: number): ReconcileDay {
  const startMs = Math.floor(nowMs / DAY_MS) * DAY_MS - 2 * DAY_MS;
  return { startMs, endMs: startMs + DAY_MS, date: isoDay(startMs), nextDate: isoDay(startMs + DAY_MS) };
}

/** bedrock-watch's all-models CostUSD over the day, in hourly sums (the caller adds them up). */
export function estimateQuery(
  namespace: string,
  service: string,
  day: ReconcileDay,
): GetMetricDataCommandInput {
  return hourlyCostQuery(namespace, service, day.startMs, day.endMs);
}

/**
 * Amazon Bedrock's unblended cost of the day, by service and region: Bedrock's own line, and the
 * Marketplace lines of models sold as "(Amazon Bedrock Edition)" (picked out by name afterwards).
 */
export function billQuery(day: ReconcileDay): GetCostAndUsageCommandInput {
  return {
    TimePeriod: { Start: day.date, End: day.nextDate },
    Granularity: 'DAILY',
    Metrics: ['UnblendedCost'],
    Filter: {
      Or: [
        { Dimensions: { Key: 'SERVICE', Values: [BEDROCK_SERVICE] } },
        { Dimensions: { Key: 'BILLING_ENTITY', Values: ['AWS Marketplace'] } },
      ],
    },
    GroupBy: [
      { Type: 'DIMENSION', Key: 'SERVICE' },
      { Type: 'DIMENSION', Key: 'REGION' },
    ],
  };
}

const isBedrock = (service: string) => service === BEDROCK_SERVICE || service.endsWith(MARKETPLACE_SUFFIX);

/** The billed USD of Bedrock in `region` across every page (other services and regions left out). */
export function billedUsd(pages: readonly GetCostAndUsageCommandOutput[], region: string): number {
  let total = 0;
  for (const page of pages) {
    for (const result of page.ResultsByTime ?? []) {
      for (const group of result.Groups ?? []) {
        const [service = '', groupRegion = ''] = group.Keys ?? [];
        if (!isBedrock(service) || groupRegion !== region) continue;
        const amount = Number(group.Metrics?.UnblendedCost?.Amount);
        if (Number.isFinite(amount)) total += amount;
      }
    }
  }
  return Math.round(total * 1e6) / 1e6;
}

/** Sums the day's CostUSD points. */
export function estimatedUsd(pages: readonly GetMetricDataCommandOutput[]): number {
  let total = 0;
  for (const page of pages)
    for (const result of page.MetricDataResults ?? [])
      for (const value of result.Values ?? []) if (Number.isFinite(value) && value >= 0) total += value;
  return Math.round(total * 1e6) / 1e6;
}

/**
 * The drift in percent, (estimate − bill) / bill × 100, to two decimals; 0 when both are 0;
 * undefined when the bill is 0 and the estimate is not (no percentage of nothing).
 * @example driftPct(95, 100) // -5
 */
export function driftPct(estimateUsd: number, billUsd: number): number | undefined {
  if (billUsd <= 0) return estimateUsd <= 0 ? 0 : undefined;
  return Math.round(((estimateUsd - billUsd) / billUsd) * 10_000) / 100;
}

export interface Reconciliation {
  day: string;
  region: string;
  estimatedUsd: number;
  billedUsd: number;
  /** (estimate − bill) / bill × 100: negative when the estimate is short. */
  driftPct: number | undefined;
}

/** The published form of the drift: the estimate as a percentage of the bill (100 + drift), never negative. */
export const estimateToBillPct = (drift: number) => Math.round((100 + drift) * 100) / 100;

/** The EMF document: estimate, bill and (when defined) the estimate as % of the bill, under `[service]`, stamped `nowMs`. */
export function reconciliationDocument(
  namespace: string,
  service: string,
  nowMs: number,
  r: Reconciliation,
): string {
  const metrics = [
    { Name: RECONCILIATION.estimatedUsd, Unit: 'None' },
    { Name: RECONCILIATION.billedUsd, Unit: 'None' },
    ...(r.driftPct === undefined ? [] : [{ Name: RECONCILIATION.estimateToBillPct, Unit: 'None' }]),
  ];
  return JSON.stringify({
    _aws: {
      Timestamp: nowMs,
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [[DIM_SERVICE]], Metrics: metrics }],
    },
    [DIM_SERVICE]: service,
    [RECONCILIATION.estimatedUsd]: r.estimatedUsd,
    [RECONCILIATION.billedUsd]: r.billedUsd,
    ...(r.driftPct === undefined
      ? {}
      : { [RECONCILIATION.estimateToBillPct]: estimateToBillPct(r.driftPct) }),
  });
}

/**
 * Region prefixes of the partitions other than `aws`, and the region that partition's Cost Explorer
 * endpoint is in (the SDK's endpoint rules call it the partition's implicit global region). The
 * longest prefix wins: `us-isob-` before `us-iso-`.
 */
const COST_EXPLORER_REGIONS: readonly (readonly [prefix: string, region: string])[] = [
  ['cn-', 'cn-northwest-1'],
  ['us-gov-', 'us-gov-west-1'],
  ['us-isob-', 'us-isob-east-1'],
  ['us-isof-', 'us-isof-south-1'],
  ['us-iso-', 'us-iso-east-1'],
  ['eu-isoe-', 'eu-isoe-west-1'],
  ['eusc-', 'eusc-de-east-1'],
];

/**
 * The region to give the Cost Explorer client in a function running in `functionRegion`: Cost
 * Explorer has one endpoint per partition, and the partition is the function's own (a client pinned
 * to us-east-1 in China or GovCloud signs for the wrong partition and fails).
 * @example costExplorerRegion('eu-west-1') // 'us-east-1'
 * @example costExplorerRegion('cn-north-1') // 'cn-northwest-1'
 */
export function costExplorerRegion(functionRegion: string): string {
  return COST_EXPLORER_REGIONS.find(([prefix]) => functionRegion.startsWith(prefix))?.[1] ?? 'us-east-1';
}

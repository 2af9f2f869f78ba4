/**
 * The weekly advisor inside the simulator: Logs Insights answered from the replayed records, each
 * projected to the fields the weekly query selects (shared/advice/weekly.ts), so the real handler
 * (functions/weekly-advisor/run.ts) plans its slices, reads its rows and runs the same checks on a
 * simulated week. What it publishes is filed in the metric store (the Savings widget reads it);
 * what it would send to the warning topic is kept.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { GetQueryResultsCommandOutput, StartQueryCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import { loadIngestSettings } from '../../functions/ingest/settings';
import type { WeeklyAdvisorResult } from '../../functions/weekly-advisor/run';
import {
  PLAN_BIN_MINUTES,
  PLAN_QUERY,
  ROWS_PER_QUERY,
  ROWS_QUERY,
  type Row,
  rowOfRecord,
  WEEK_MS,
} from '../../shared/advice/weekly';
import { readEmfDocument } from '../../shared/analysis/emf-reader';
import type { MetricStore } from '../../shared/analysis/metric-store';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { parseIsoTime } from '../../shared/time';
import { localLambdaContext } from '../common/lambda-context';
import { HOURLY_PUBLISH_LAG_MS } from './hourly';

const HOUR_MS = 3_600_000;
const BIN_MS = PLAN_BIN_MINUTES * 60_000;
/** The schedule's moment in the week: Monday (day 1) 06:00 UTC (deploy/stack/weekly-advisor.ts). */
const MONDAY = 1;
const RUN_HOUR = 6;

/** `2026-12-01 00:05:00.000`, as Logs Insights prints a `bin()`. */
const slotText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * A Logs Insights stand-in over rows (each with its record `timestamp`): the planning query's calls
 * per bin, and the rows query's rows in time order, at most ROWS_PER_QUERY, both ends in seconds, inclusive.
 */
export function insightsOver(rows: readonly Row[]) {
  const timed = rows
    .map((row) => ({ row, ms: parseIsoTime(row.timestamp ?? '') }))
    .filter((r) => Number.isFinite(r.ms))
    .sort((a, b) => a.ms - b.ms);
  // Each query is answered when its results are asked for, once, and then forgotten: a week's rows
  // are not held twice over as result fields.
  const queries = new Map<string, StartQueryCommandInput>();
  const inRange = (input: StartQueryCommandInput) => {
    const fromMs = (input.startTime ?? 0) * 1000;
    const toMs = ((input.endTime ?? 0) + 1) * 1000;
    return timed.filter((r) => r.ms >= fromMs && r.ms < toMs);
  };
  const fields = (row: Record<string, string>) =>
    Object.entries(row).map(([field, value]) => ({ field, value }));
  const answer = (input: StartQueryCommandInput): GetQueryResultsCommandOutput => {
    const found = inRange(input);
    let results: Record<string, string>[];
    if (input.queryString === PLAN_QUERY) {
      const bins = new Map<number, number>();
      for (const r of found) {
        const bin = Math.floor(r.ms / BIN_MS) * BIN_MS;
        bins.set(bin, (bins.get(bin) ?? 0) + 1);
      }
      results = [...bins].map(([ms, calls]) => ({ slot: slotText(ms), calls: String(calls) }));
    } else results = found.slice(0, ROWS_PER_QUERY).map((r) => ({ ...r.row }));
    return { status: 'Complete', results: results.map(fields), $metadata: {} };
  };
  let started = 0;
  const start = (input: StartQueryCommandInput) => {
    if (input.queryString !== PLAN_QUERY && input.queryString !== ROWS_QUERY)
      throw new Error('the simulator answers the weekly advisor queries only');
    const queryId = `q${++started}`;
    queries.set(queryId, input);
    return { queryId, $metadata: {} };
  };
  return {
    send: (command: { input: Record<string, unknown> }) => {
      const input = command.input;
      if (typeof input.queryId === 'string') {
        const asked = queries.get(input.queryId);
        queries.delete(input.queryId);
        return Promise.resolve(asked ? answer(asked) : undefined);
      }
      return Promise.resolve(start(input as unknown as StartQueryCommandInput));
    },
  };
}

/** Monday 06:00 UTC at or after `ms`. */
export function nextWeeklyRun(ms: number): number {
  const hour = Math.ceil(ms / HOUR_MS) * HOUR_MS;
  for (let at = hour; ; at += HOUR_MS) {
    const d = new Date(at);
    if (d.getUTCDay() === MONDAY && d.getUTCHours() === RUN_HOUR) return at;
  }
}

export interface WeeklyRun {
  atMs: number;
  result: WeeklyAdvisorResult;
  /** What it would publish to the warning topic, when it would. */
  message?: { subject: string; message: string };
}

/**
 * The weekly advisor on the simulated clock: `add` the records of each batch, `tick` as the clock
 * moves (it runs at every scheduled moment passed, on the rows of the week before), `finish` at the
 * end of the range (when no scheduled moment fell in the range, one run there: the report the next
 * run would send if the range were its week). Rows older than a week before the next run are
 * dropped, so memory holds about one week.
 */
export async function weeklyAdvisorSimulation(
  store: MetricStore,
  params: StackParameters,
  env: Readonly<Record<string, string | undefined>>,
  fromMs: () => number | undefined,
) {
  const { createWeeklyAdvisorHandler } = await import('../../functions/weekly-advisor/run');
  const { config, priceTable } = loadIngestSettings(env);
  let rows: Row[] = [];
  let nowMs = 0;
  let sent: WeeklyRun['message'];
  let nextMs: number | undefined;
  const runs: WeeklyRun[] = [];
  const deps = {
    publish: (_topic: string, subject: string, message: string) => {
      sent = { subject, message };
      return Promise.resolve();
    },
    logGroupName: params.invocationLogGroupName,
    topicName: 'warning',
    namePrefix: params.serviceName,
    namespace: params.metricsNamespace,
    service: params.serviceName,
    priceTable,
    inferenceProfiles: new Map(Object.entries(config.inferenceProfiles)),
    provisionedModels: config.provisionedModels,
    now: () => nowMs,
    sleep: () => Promise.resolve(),
    logger: new Logger({ logLevel: 'SILENT' }),
    emit: (line: string) => {
      const doc = readEmfDocument(line);
      for (const s of doc?.series ?? []) store.put(s, nowMs, nowMs + HOURLY_PUBLISH_LAG_MS, s.unit, s.values);
    },
  };
  const runAt = async (at: number) => {
    nowMs = at;
    sent = undefined;
    const handler = createWeeklyAdvisorHandler({ ...deps, logs: insightsOver(rows) as never });
    const result = await handler({}, localLambdaContext('weeklyAdvisor', `simulate-weekly-${runs.length}`));
    runs.push({ atMs: at, result, ...(sent ? { message: sent } : {}) });
  };
  return {
    add(records: readonly unknown[]): void {
      for (const record of records) {
        const row = rowOfRecord(record);
        if (row) rows.push(row);
      }
    },
    async tick(clockMs: number): Promise<void> {
      const first = fromMs();
      if (first === undefined) return;
      nextMs ??= nextWeeklyRun(first);
      while (nextMs <= clockMs) {
        await runAt(nextMs);
        nextMs += WEEK_MS;
        const keepFrom = nextMs - WEEK_MS;
        rows = rows.filter((r) => parseIsoTime(r.timestamp ?? '') >= keepFrom);
      }
    },
    async finish(toMs: number): Promise<WeeklyRun[]> {
      await this.tick(toMs);
      if (runs.length === 0 && fromMs() !== undefined) await runAt(toMs);
      return runs;
    },
  };
}

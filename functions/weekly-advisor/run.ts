/**
 * The weekly advisor's run, apart from its wiring (handler.ts): once a week it reads the last seven
 * days of the Bedrock invocation log through Logs Insights (ids, token counts, stop reasons and
 * tiers; never text), runs the same checks as `bedrock-watch advise` (shared/advice), publishes the
 * monthly saving per basis as metrics (the executive dashboard's Savings widget) and sends the
 * findings to the warning topic. Clients, clock and output are passed in, so tests drive it with
 * aws-sdk-client-mock and the simulator with its own replayed records.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { advise } from '../../shared/advice/checks';
import type { UsageFacts } from '../../shared/advice/types';
import { UsageCollector } from '../../shared/advice/usage';
import {
  adviceMessage,
  invocationsOfRows,
  MAX_WEEKLY_CALLS,
  PLAN_QUERY,
  planSlices,
  ROWS_QUERY,
  type Row,
  type Slice,
  savingsByBasis,
  savingsDocuments,
  slotMs,
  WEEKLY_OPTIONS,
  weeklyWindow,
} from '../../shared/advice/weekly';
import type { PriceTable } from '../../shared/ingest/5-price';
import { ADVICE_FACTS } from '../../shared/pricing/advice-facts';
import { withLambdaContext } from '../common/log-context';
import { runInsightsQuery } from './insights';
import { topicArnOf } from './sns';

export interface WeeklyAdvisorDependencies {
  logs: Pick<CloudWatchLogsClient, 'send'>;
  /** Publishes one message to a topic (SNS Publish). */
  publish: (topicArn: string, subject: string, message: string) => Promise<void>;
  /** The Bedrock invocation log group the stack subscribes to. */
  logGroupName: string;
  /** The warning topic's name; its ARN comes from the function's own. */
  topicName: string;
  namePrefix: string;
  namespace: string;
  service: string;
  priceTable: PriceTable;
  inferenceProfiles: ReadonlyMap<string, string>;
  provisionedModels: UsageFacts['provisionedModels'];
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  emit: (line: string) => void;
}

export interface WeeklyAdvisorResult {
  window: { start: string; end: string };
  calls: number;
  /** Calls the plan counted that were not read (a bin past the row limit, or the memory cap). */
  unread: number;
  rejected: number;
  queries: number;
  savings: ReturnType<typeof savingsByBasis>;
  sent: boolean;
}

interface WeekRead {
  /** Rows read (each added to the usage facts as its slice arrives; rows are not kept). */
  rows: number;
  unread: number;
  queries: number;
  /** Where reading stopped: the window's end, or the start of the first slice left unread. */
  endMs: number;
}

/** The plan, then each slice in time order, until the memory cap; `take` gets each slice's new rows. */
async function readWeek(
  deps: WeeklyAdvisorDependencies,
  window: { startMs: number; endMs: number },
  take: (rows: Row[]) => void,
) {
  const insights = { logs: deps.logs, logGroupName: deps.logGroupName, sleep: deps.sleep };
  const plan = await runInsightsQuery(insights, PLAN_QUERY, window);
  const bins = plan.map((r) => ({ startMs: slotMs(r.slot ?? ''), calls: Number(r.calls ?? 0) }));
  const slices: Slice[] = planSlices(
    bins.filter((b) => Number.isFinite(b.startMs)),
    window,
  );
  const read: WeekRead = { rows: 0, unread: 0, queries: 1, endMs: window.endMs };
  const seen = new Set<string>();
  for (const [i, slice] of slices.entries()) {
    if (read.rows + slice.calls > MAX_WEEKLY_CALLS) {
      read.unread += slices.slice(i).reduce((a, s) => a + s.calls, 0);
      read.endMs = slice.startMs;
      break;
    }
    const rows = await runInsightsQuery(insights, ROWS_QUERY, slice);
    read.queries++;
    read.unread += Math.max(0, slice.calls - rows.length);
    // Slices do not overlap; a record logged twice (a retried delivery) still counts once.
    const fresh = rows.filter((row) => {
      const id = row.requestId;
      if (id === undefined) return true;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    read.rows += fresh.length;
    take(fresh);
  }
  return read;
}

/** Weekly: the last seven days' findings, as metrics per basis and a message to the warning topic. */
export function createWeeklyAdvisorHandler(deps: WeeklyAdvisorDependencies) {
  const run = async (_event: unknown, context: Context): Promise<WeeklyAdvisorResult> => {
    const nowMs = deps.now();
    const window = weeklyWindow(nowMs);
    const collector = new UsageCollector({
      priceTable: deps.priceTable,
      inferenceProfiles: deps.inferenceProfiles,
    });
    const rejected: Record<string, number> = {};
    const week = await readWeek(deps, window, (rows) => {
      const read = invocationsOfRows(rows, nowMs);
      collector.add(read.invocations);
      for (const [reason, n] of Object.entries(read.rejected)) rejected[reason] = (rejected[reason] ?? 0) + n;
    });
    const usage = collector.facts(deps.provisionedModels, { sinceMs: window.startMs, untilMs: week.endMs });
    const advice = advise(usage, {
      priceTable: deps.priceTable,
      facts: ADVICE_FACTS,
      options: { ...WEEKLY_OPTIONS, nowMs },
    });
    for (const doc of savingsDocuments(deps.namespace, deps.service, nowMs, advice.findings)) deps.emit(doc);
    const rejectedCount = Object.values(rejected).reduce((a, b) => a + b, 0);
    const savings = savingsByBasis(advice.findings);
    // A week without a saving sends nothing: the dashboard's zeros say so without a weekly email.
    const sent = savings.some((s) => s.findings > 0);
    if (sent) {
      const { subject, message } = adviceMessage(advice, {
        namePrefix: deps.namePrefix,
        calls: usage.calls.length,
        unread: week.unread,
        rejected: rejectedCount,
      });
      await deps.publish(topicArnOf(context.invokedFunctionArn, deps.topicName), subject, message);
    }
    const result: WeeklyAdvisorResult = {
      window: advice.window,
      calls: usage.calls.length,
      unread: week.unread,
      rejected: rejectedCount,
      queries: week.queries,
      savings,
      sent,
    };
    if (week.unread > 0) deps.logger.warn('Weekly advice read part of the week', { ...result });
    deps.logger.info('Weekly advice published', {
      ...result,
      failedCalls: collector.failed,
      rejectedBy: rejected,
    });
    return result;
  };
  return middy(run).use(withLambdaContext(deps.logger));
}

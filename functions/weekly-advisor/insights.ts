/**
 * Logs Insights for the weekly advisor: one query at a time (StartQuery, then GetQueryResults until
 * it completes), its rows as plain records. Queries run one after another, far below the account's
 * concurrent-query quota, so the advisor never crowds out a person's console queries.
 */
import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  type ResultField,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { Row } from '../../shared/advice/weekly';

/** Between two polls of a running query. */
export const POLL_MS = 1000;
/** Polls before a query counts as hung (Logs Insights itself stops a query after 60 minutes). */
export const MAX_POLLS = 240;

/** A query ended without results: its status, never the query. */
export class InsightsQueryError extends Error {
  override readonly name = 'InsightsQueryError';
}

export interface InsightsDeps {
  logs: Pick<CloudWatchLogsClient, 'send'>;
  logGroupName: string;
  sleep: (ms: number) => Promise<void>;
}

const rowOf = (fields: ResultField[]): Row => {
  const row: Record<string, string> = {};
  for (const f of fields) if (f.field && f.field !== '@ptr' && f.value !== undefined) row[f.field] = f.value;
  return row;
};

/**
 * Runs one query over [startMs, endMs) and resolves with its rows. Logs Insights takes whole
 * seconds, both ends included: the end is the second before `endMs`, so adjacent slices never overlap.
 * @throws InsightsQueryError when the query fails, is cancelled, times out or never completes.
 */
export async function runInsightsQuery(
  deps: InsightsDeps,
  queryString: string,
  range: { startMs: number; endMs: number },
): Promise<Row[]> {
  const started = await deps.logs.send(
    new StartQueryCommand({
      logGroupName: deps.logGroupName,
      queryString,
      startTime: Math.floor(range.startMs / 1000),
      endTime: Math.ceil(range.endMs / 1000) - 1,
    }),
  );
  if (!started.queryId) throw new InsightsQueryError('StartQuery returned no query id');
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    const out = await deps.logs.send(new GetQueryResultsCommand({ queryId: started.queryId }));
    if (out.status === 'Complete') return (out.results ?? []).map(rowOf);
    if (out.status !== 'Running' && out.status !== 'Scheduled')
      throw new InsightsQueryError(`Logs Insights query ended ${out.status ?? 'without a status'}`);
    await deps.sleep(POLL_MS);
  }
  throw new InsightsQueryError(`Logs Insights query still running after ${MAX_POLLS} polls`);
}

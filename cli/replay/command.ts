/**
 * Local replay CLI: runs the ingest handler the Lambda exports on exported logs and reports what it
 * emitted. Usage: bedrock-watch replay --help (from a clone: npm run -s replay -- --help)
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { ConfigError } from '../../shared/ingest/config';
import { parseIsoTime } from '../../shared/time';
import { parseCli } from '../common/cli';
import { ReplayInputError } from '../input/sources';
import { parseBy } from './by';
import { formatCsv, formatSummary } from './report';
import { DEFAULT_SAMPLE_DIR, type ReplayRun, runReplay } from './run';

const USAGE = `usage: bedrock-watch replay [options] [PATH ...]
       (from a clone: npm run -s replay -- [options] [PATH ...])

Runs the ingest function on exported Bedrock invocation logs, exactly as Lambda runs it, and reports
per model what it would put in CloudWatch: calls, errors, tokens, latency percentiles and cost.

  PATH                 a file, a folder (read recursively), or - for standard input
                       (default: events/sample-set). Formats: JSON Lines of log records, CloudWatch
                       Logs export-to-S3 files (<time> <message> lines), Lambda events, decoded
                       payloads, Kinesis events, \`aws logs filter-log-events\` / \`get-log-events\`
                       JSON output; any of them gzipped.
  --json               one JSON document (stable keys; safe to pipe with npm run -s or npx)
  --csv                one CSV row per model, all models, attribution value and --by group
  --wide               one table with every column (the default fits 120 columns)
  --emf FILE           also write every EMF document the function printed, one per line
  --now ISO-TIME       apply the function's acceptance window (14 days back, 2 hours ahead) with
                       this clock, to see what Lambda would reject; by default nothing is rejected
                       for its age
  --since ISO-TIME     only records at or after this time (a date means midnight UTC)
  --until ISO-TIME     only records before this time; others are counted as filtered, not rejected
  --attribute KEYS     attribution keys, e.g. caller,team (as BEDROCK_WATCH_ATTRIBUTION)
  --by DIM[,DIM...]    also report the calls grouped by model, account, region, operation, caller,
                       day, hour or any requestMetadata key; DIM,DIM groups by the combination;
                       repeat the flag for more groupings (errors there are the error-rate alarm's)
  --config FILE        the function's configuration document (as BEDROCK_WATCH_CONFIG)
  -h, --help           this text

Times are ISO-8601 (2025-10-20, 2025-10-20T10:00:00Z); a time without a zone is UTC.

examples:
  bedrock-watch replay exported/ --since 2025-10-01 --until 2025-11-01
  bedrock-watch replay exported/ --by account,region --by caller
  aws logs filter-log-events --log-group-name /aws/bedrock/modelinvocations --output json \\
    | bedrock-watch replay --json - | jq '.models[] | {modelId, costUsd}'

exit: 0 done (rejected records are results), 1 a batch could not be decoded (Lambda would retry it)
      or an input is truncated or corrupt (every complete log event before the damage is replayed;
      the report and --json's inputs.damaged name the file, the byte offset and what was lost),
      2 nothing could be read, a bad flag or a bad setting`;

function fail(message: string): number {
  process.stderr.write(`replay: ${message}\n`);
  return 2;
}

/** An ISO-8601 flag value, or a message saying what is wrong with it. */
function timeFlag(name: string, value: string | boolean | string[] | undefined): number | string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseIsoTime(value);
  return Number.isFinite(ms)
    ? ms
    : `--${name}: "${value}" is not an ISO-8601 date or time, such as 2025-10-20 or 2025-10-20T10:00:00Z`;
}

/** Writes EMF documents to a file as they come, so a month of them never sits in memory. */
function emfSink(path: string): { write: (line: string) => void; close: () => void } | string {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    return `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  return { write: (line) => writeSync(fd, `${line}\n`), close: () => closeSync(fd) };
}

/** The --now, --since and --until times (only those given), or what is wrong with them. */
function timesOf(
  v: Record<string, string | boolean | string[] | undefined>,
): { nowMs?: number; sinceMs?: number; untilMs?: number } | string {
  const times = {
    nowMs: timeFlag('now', v.now),
    sinceMs: timeFlag('since', v.since),
    untilMs: timeFlag('until', v.until),
  };
  for (const t of Object.values(times)) if (typeof t === 'string') return t;
  const { nowMs, sinceMs, untilMs } = times as Record<keyof typeof times, number | undefined>;
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) {
    return '--since must be before --until';
  }
  return {
    ...(nowMs !== undefined ? { nowMs } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
    ...(untilMs !== undefined ? { untilMs } : {}),
  };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseCli(
    'replay',
    USAGE,
    argv,
    {
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      wide: { type: 'boolean' },
      emf: { type: 'string' },
      now: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      attribute: { type: 'string' },
      config: { type: 'string' },
      by: { type: 'string', multiple: true },
    },
    true,
  );
  if (typeof args === 'number') return args;
  const v = args.values;
  if (v.json && v.csv) return fail('--json and --csv: choose one');
  const times = timesOf(v);
  if (typeof times === 'string') return fail(times);
  const by = parseBy(Array.isArray(v.by) ? v.by : []);
  if (typeof by === 'string') return fail(by);
  // The same settings the deployed function reads, under the same names, passed in.
  const env = {
    ...(typeof v.config === 'string' ? { BEDROCK_WATCH_CONFIG: v.config } : {}),
    ...(typeof v.attribute === 'string' ? { BEDROCK_WATCH_ATTRIBUTION: v.attribute } : {}),
  };
  const sink = typeof v.emf === 'string' ? emfSink(v.emf) : undefined;
  if (typeof sink === 'string') return fail(sink);
  const progress = process.stderr.isTTY ? progressLine() : undefined;
  let run: ReplayRun;
  try {
    run = await runReplay({
      paths: args.positionals.length > 0 ? args.positionals : [DEFAULT_SAMPLE_DIR],
      keepEmf: false,
      env,
      by,
      ...times,
      ...(progress ? { onProgress: progress.update } : {}),
      ...(sink ? { onEmf: sink.write } : {}),
    });
  } catch (error) {
    if (error instanceof ReplayInputError || error instanceof ConfigError) {
      progress?.clear();
      const setting =
        error instanceof ConfigError && typeof v.config === 'string' ? ` (--config ${v.config})` : '';
      return fail(`${error.message}${setting}`);
    }
    throw error;
  } finally {
    sink?.close();
  }
  progress?.clear();
  printReport(run, v);
  return run.summary.batches.failed > 0 || run.summary.inputs.damaged.length > 0 ? 1 : 0;
}

/** The report on stdout, as --json, --csv or a table. */
function printReport(run: ReplayRun, v: Record<string, string | boolean | string[] | undefined>): void {
  if (run.summary.records.total === 0) {
    process.stderr.write('replay: the input holds no log events\n');
  }
  if (v.json) process.stdout.write(`${JSON.stringify(run.summary, null, 2)}\n`);
  else if (v.csv) process.stdout.write(formatCsv(run.summary));
  else process.stdout.write(formatSummary(run.summary, { wide: v.wide === true }));
}

/** A progress line on a terminal, at most a few times a second. */
function progressLine() {
  let last = 0;
  let shown = false;
  return {
    update({ events, bytesRead }: { events: number; bytesRead: number }) {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      process.stderr.write(
        `\rreplayed ${events.toLocaleString('en-US')} log events (${(bytesRead / 1048576).toFixed(0)} MB read)`,
      );
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

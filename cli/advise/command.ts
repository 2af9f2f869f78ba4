/**
 * `bedrock-watch advise`: quantified ways to spend less, from the same logs replay reads.
 * Usage: bedrock-watch advise --help
 */
import { type Advice, advise, CHECK_NAMES } from '../../shared/advice/checks';
import type { AdviceOptions, CheckName, GroupBy } from '../../shared/advice/types';
import { ConfigError } from '../../shared/ingest/config';
import { ADVICE_FACTS } from '../../shared/pricing/advice-facts';
import { parseIsoTime } from '../../shared/time';
import { type CliValues, parseCli } from '../common/cli';
import { ReplayInputError } from '../input/sources';
import { DEFAULT_SAMPLE_DIR } from '../replay/run';
import { type ReadResult, readUsage } from './read';
import { formatCsv, formatReport } from './report';

const USAGE = `usage: bedrock-watch advise [options] [PATH ...]

Reads exported Bedrock invocation logs (every input replay reads; default events/sample-set) and reports
quantified ways to spend less: each finding with its scope, calls, window and monthly USD, the formula with
the numbers filled in, a basis (exact, upper-bound, scenario, descriptive), a caveat and the prices' date.

  --json                 one JSON document: { window, records, findings: [...], gaps: [...] }
  --csv                  one CSV row per finding
  --since ISO-TIME       only records at or after this time (a date means midnight UTC)
  --until ISO-TIME       only records before this time
  --by team|caller|account
                         also split findings by the requestMetadata team, the caller or the account
  --team-key KEY         the requestMetadata key --by team reads (default team)
  --check NAME           run only this check (repeatable): ${CHECK_NAMES.join(', ')}
  --cache-hit-share S    prompt-caching scenario: the share of a call's input a cache would serve (default 0.5)
  --sibling-share S      cheaper-sibling scenario: the share of calls that could move (default 1)
  --pt-tokens-per-minute N
                         provisioned-throughput: tokens per minute one model unit serves (you measure it)
  --pt-hourly-usd USD    provisioned-throughput: the price of one model unit per hour
  --now ISO-TIME         the clock for how near an end of life is (default: now)
  --config FILE          the function's configuration (price overlay, inference profiles, provisionedModels)
  -h, --help             this text

Monthly figures extrapolate the window to 30 days; findings of different bases are never summed.

examples:
  npx bedrock-watch advise exported/ --since 2025-10-01 --until 2025-11-01 --by team
  npx bedrock-watch advise --json exported/ | jq '.findings[] | select(.basis == "exact")'

exit: 0 done, 1 a batch could not be decoded or an input is truncated or corrupt (every complete
      event before the damage is read; the warning says where), 2 nothing could be read or a bad flag`;

function fail(message: string): number {
  process.stderr.write(`advise: ${message}\n`);
  return 2;
}

function timeOf(name: string, value: CliValues[string]): number | string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseIsoTime(value);
  return Number.isFinite(ms) ? ms : `--${name}: "${value}" is not an ISO-8601 date or time`;
}

function numberOf(
  name: string,
  value: CliValues[string],
  max = Number.POSITIVE_INFINITY,
): number | string | undefined {
  if (typeof value !== 'string') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 && n <= max ? n : `--${name}: "${value}" is not a number in (0, ${max}]`;
}

type Parsed = {
  options: AdviceOptions;
  sinceMs?: number;
  untilMs?: number;
  checks: CheckName[];
};

/** The flags as advisor options, or what is wrong with them. */
function optionsOf(v: CliValues): Parsed | string {
  const values = {
    since: timeOf('since', v.since),
    until: timeOf('until', v.until),
    now: timeOf('now', v.now),
    share: numberOf('cache-hit-share', v['cache-hit-share'], 1),
    sibling: numberOf('sibling-share', v['sibling-share'], 1),
    capacity: numberOf('pt-tokens-per-minute', v['pt-tokens-per-minute']),
    hourly: numberOf('pt-hourly-usd', v['pt-hourly-usd']),
  };
  for (const value of Object.values(values)) if (typeof value === 'string') return value;
  const n = values as Record<keyof typeof values, number | undefined>;
  if (n.since !== undefined && n.until !== undefined && n.since >= n.until)
    return '--since must be before --until';
  const by = v.by;
  if (by !== undefined && by !== 'team' && by !== 'caller' && by !== 'account')
    return '--by: team, caller or account';
  const checks = (Array.isArray(v.check) ? v.check : []) as string[];
  const unknown = checks.find((c) => !(CHECK_NAMES as string[]).includes(c));
  if (unknown) return `--check: "${unknown}" is not one of ${CHECK_NAMES.join(', ')}`;
  return {
    options: {
      ...(by ? { by: by as GroupBy } : {}),
      cacheHitShare: n.share ?? 0.5,
      siblingShare: n.sibling ?? 1,
      ...(n.capacity !== undefined ? { ptTokensPerMinute: n.capacity } : {}),
      ...(n.hourly !== undefined ? { ptHourlyUsd: n.hourly } : {}),
      nowMs: n.now ?? Date.now(),
    },
    ...(n.since !== undefined ? { sinceMs: n.since } : {}),
    ...(n.until !== undefined ? { untilMs: n.until } : {}),
    checks: checks.length > 0 ? (checks as CheckName[]) : CHECK_NAMES,
  };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseCli(
    'advise',
    USAGE,
    argv,
    {
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      since: { type: 'string' },
      until: { type: 'string' },
      by: { type: 'string' },
      'team-key': { type: 'string' },
      check: { type: 'string', multiple: true },
      'cache-hit-share': { type: 'string' },
      'sibling-share': { type: 'string' },
      'pt-tokens-per-minute': { type: 'string' },
      'pt-hourly-usd': { type: 'string' },
      now: { type: 'string' },
      config: { type: 'string' },
    },
    true,
  );
  if (typeof args === 'number') return args;
  const v = args.values;
  if (v.json && v.csv) return fail('--json and --csv: choose one');
  const parsed = optionsOf(v);
  if (typeof parsed === 'string') return fail(parsed);
  let read: ReadResult;
  try {
    read = await readUsage({
      paths: args.positionals.length > 0 ? args.positionals : [DEFAULT_SAMPLE_DIR],
      ...(parsed.sinceMs !== undefined ? { sinceMs: parsed.sinceMs } : {}),
      ...(parsed.untilMs !== undefined ? { untilMs: parsed.untilMs } : {}),
      env: { ...process.env, ...(typeof v.config === 'string' ? { BEDROCK_WATCH_CONFIG: v.config } : {}) },
      ...(typeof v['team-key'] === 'string' ? { teamKey: v['team-key'] } : {}),
      warn: (message) => process.stderr.write(`advise: ${message}\n`),
    });
  } catch (error) {
    if (error instanceof ReplayInputError || error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const advice = advise(
    read.usage,
    { priceTable: read.priceTable, facts: ADVICE_FACTS, options: parsed.options },
    parsed.checks,
  );
  process.stdout.write(render(advice, read, v));
  return read.batches.failed > 0 || read.damaged.length > 0 ? 1 : 0;
}

function render(advice: Advice, read: ReadResult, v: CliValues): string {
  if (v.json) return `${JSON.stringify({ ...advice, records: read.records }, null, 2)}\n`;
  if (v.csv) return formatCsv(advice);
  return formatReport(advice, {
    calls: read.usage.calls.length,
    failedCalls: read.records.failedCalls,
    rejected: read.records.rejected,
  });
}

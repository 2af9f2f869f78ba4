/**
 * The weekly advisor's pure core: the Logs Insights queries it runs on the Bedrock invocation log
 * group, how it cuts the week into queries Logs Insights can answer in full, how a result row
 * becomes an invocation record again (parsed by the ingest's own parse stage), and what it
 * publishes (a metric per basis) and sends (a short message). The rows carry ids, token counts,
 * stop reasons and tiers only: the query never selects prompt or response text.
 */
import { SAVINGS } from '../contract/metrics';
import type { Invocation } from '../ingest/2-parse';
import { readInvocation } from '../ingest/2-parse';
import type { Json } from '../json';
import type { Advice } from './checks';
import { usd } from './common';
import type { Basis, Finding } from './types';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** The most rows one Logs Insights query returns (its `limit` command's ceiling). */
export const ROWS_PER_QUERY = 10_000;
/** The planning query counts calls per bin of this many minutes (2,016 rows for a week). */
export const PLAN_BIN_MINUTES = 5;
const BIN_MS = PLAN_BIN_MINUTES * 60_000;
/**
 * Calls read in a week at most: each is held as one small fact (rows are parsed slice by slice and
 * dropped); a busier week is read up to here, and the report says how many calls it left out.
 */
export const MAX_WEEKLY_CALLS = 500_000;

type FieldKind = 'string' | 'count';

/**
 * Every field the weekly query selects: its name in the result, where it sits in an invocation
 * record, and its kind. One table for the query, the rebuilt record and the simulator's projection.
 * Token counts and ids only; from the bodies just the stop reason, the tier and the routed model.
 */
export const ROW_FIELDS: readonly (readonly [string, readonly string[], FieldKind])[] = [
  ['timestamp', ['timestamp'], 'string'],
  ['requestId', ['requestId'], 'string'],
  ['operation', ['operation'], 'string'],
  ['modelId', ['modelId'], 'string'],
  ['region', ['region'], 'string'],
  ['inferenceRegion', ['inferenceRegion'], 'string'],
  ['callerArn', ['identity', 'arn'], 'string'],
  ['errorCode', ['errorCode'], 'string'],
  ['inputTokens', ['input', 'inputTokenCount'], 'count'],
  ['cacheReadTokens', ['input', 'cacheReadInputTokenCount'], 'count'],
  ['cacheWriteTokens', ['input', 'cacheWriteInputTokenCount'], 'count'],
  ['outputTokens', ['output', 'outputTokenCount'], 'count'],
  ['stopReason', ['output', 'outputBodyJson', 'stopReason'], 'string'],
  ['nativeStopReason', ['output', 'outputBodyJson', 'stop_reason'], 'string'],
  ['tier', ['output', 'outputBodyJson', 'serviceTier', 'type'], 'string'],
  ['nativeTier', ['output', 'outputBodyJson', 'service_tier'], 'string'],
  ['latencyMode', ['output', 'outputBodyJson', 'performanceConfig', 'latency'], 'string'],
  ['requestTier', ['input', 'inputBodyJson', 'serviceTier', 'type'], 'string'],
  ['requestLatencyMode', ['input', 'inputBodyJson', 'performanceConfig', 'latency'], 'string'],
  ['routedModel', ['output', 'outputBodyJson', 'trace', 'promptRouter', 'invokedModelId'], 'string'],
];

const SCHEMA = 'ModelInvocationLog';

/**
 * The rows query: jsonParse reads the whole record, so a long body cannot push the token counts
 * out of the 200 fields Logs Insights discovers by itself; only the listed fields come back.
 */
export const ROWS_QUERY = [
  'fields jsonParse(@message) as r',
  `filter r.schemaType = "${SCHEMA}"`,
  `fields ${ROW_FIELDS.map(([name, path]) => `r.${path.join('.')} as ${name}`).join(', ')}`,
  'sort @timestamp asc',
  `limit ${ROWS_PER_QUERY}`,
].join(' | ');

/** The planning query: calls per bin, so each rows query stays within ROWS_PER_QUERY. */
export const PLAN_QUERY = [
  `filter schemaType = "${SCHEMA}"`,
  `stats count(*) as calls by bin(${PLAN_BIN_MINUTES}m) as slot`,
].join(' | ');

/** A Logs Insights result row: its fields by name (values are strings, as the API gives them). */
export type Row = Readonly<Record<string, string>>;

/** The week a run looks at: the seven days before it starts (to the second, as Logs Insights counts). */
export function weeklyWindow(nowMs: number): { startMs: number; endMs: number } {
  const endMs = Math.floor(nowMs / 1000) * 1000;
  return { startMs: endMs - WEEK_MS, endMs };
}

/** Logs Insights' `bin()` value (`2026-12-01 00:05:00.000`, UTC) in epoch ms, or NaN. */
export function slotMs(value: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z?$/.exec(value.trim());
  return m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
}

export interface Slice {
  startMs: number;
  endMs: number;
  /** Calls the plan counted in it. */
  calls: number;
}

/**
 * Cuts the window into consecutive slices of whole bins, each with at most ROWS_PER_QUERY calls
 * (a bin with more is a slice of its own: its calls past the limit are not read, and counted).
 * Bins without calls start no slice, so a quiet week is one query.
 */
export function planSlices(
  bins: readonly { startMs: number; calls: number }[],
  window: { startMs: number; endMs: number },
): Slice[] {
  const slices: Slice[] = [];
  let open: Slice | undefined;
  // The first bin may begin before the window (bins are aligned, the window is not): it is clipped.
  const sorted = bins
    .filter((b) => b.calls > 0 && b.startMs + BIN_MS > window.startMs && b.startMs < window.endMs)
    .sort((a, b) => a.startMs - b.startMs);
  for (const bin of sorted) {
    const startMs = Math.max(bin.startMs, window.startMs);
    const endMs = Math.min(bin.startMs + BIN_MS, window.endMs);
    // Across empty bins too: they hold no record to scan, and each query saved is a poll loop saved.
    if (open && open.calls + bin.calls <= ROWS_PER_QUERY) {
      open.endMs = endMs;
      open.calls += bin.calls;
      continue;
    }
    open = { startMs, endMs, calls: bin.calls };
    slices.push(open);
  }
  return slices;
}

/** Sets `value` at `path` in `record`, creating the objects on the way. */
function setAt(record: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = record;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next === 'object' && next !== null) at = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      at[key] = created;
      at = created;
    }
  }
  at[path[path.length - 1] as string] = value;
}

/**
 * The invocation record a row stands for: the selected fields back in their places (counts as
 * numbers when they are whole numbers; anything else stays a string, which the parse stage
 * rejects with its reason, as it would the record).
 */
export function recordOfRow(row: Row): Json {
  const record: Record<string, unknown> = { schemaType: SCHEMA };
  for (const [name, path, kind] of ROW_FIELDS) {
    const value = row[name];
    if (value === undefined || value === '') continue;
    setAt(record, path, kind === 'count' && /^\d{1,15}$/.test(value) ? Number(value) : value);
  }
  return record as Json;
}

/** What Logs Insights would return for one record (the simulator's stand-in), or undefined. */
export function rowOfRecord(record: unknown): Row | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  if ((record as Json).schemaType !== SCHEMA) return undefined;
  const row: Record<string, string> = {};
  for (const [name, path] of ROW_FIELDS) {
    let at: unknown = record;
    for (const key of path) at = typeof at === 'object' && at !== null ? (at as Json)[key] : undefined;
    if (typeof at === 'string' || typeof at === 'number' || typeof at === 'boolean') row[name] = String(at);
  }
  return row;
}

export interface RowsRead {
  invocations: Invocation[];
  /** Rows the parse stage refused, by reason. */
  rejected: Record<string, number>;
}

/** Rows → invocations through the ingest's parse stage; no time-window check (history is the point). */
export function invocationsOfRows(rows: Iterable<Row>, nowMs: number): RowsRead {
  const invocations: Invocation[] = [];
  const rejected: Record<string, number> = {};
  for (const row of rows) {
    const parsed = readInvocation(recordOfRow(row), { nowMs, timeWindow: false });
    if (parsed.ok) invocations.push(parsed.invocation);
    else rejected[parsed.rejection.reason] = (rejected[parsed.rejection.reason] ?? 0) + 1;
  }
  return { invocations, rejected };
}

/**
 * The attribute every advisor message carries, so a subscriber of the warning topic can filter the
 * weekly report in or out with a subscription filter policy.
 */
export const ADVICE_ATTRIBUTE = { name: 'bedrockWatch', value: 'advice' } as const;

/** The bases that carry a saving, in the order reports show them. */
export const SAVING_BASES = ['exact', 'upper-bound', 'scenario'] as const satisfies readonly Basis[];

/** Per basis: the findings and their monthly saving (one basis at a time: bases are never summed). */
export function savingsByBasis(findings: readonly Finding[]) {
  return SAVING_BASES.map((basis) => {
    const of = findings.filter((f) => f.basis === basis);
    const monthlyUsd = of.reduce((a, f) => a + (f.monthlyUsd ?? 0), 0);
    return { basis, findings: of.length, monthlyUsd: Math.round(monthlyUsd * 100) / 100 };
  });
}

/**
 * One EMF document per basis: SavingsMonthlyUSD and SavingsFindings under [service, Basis], every
 * week and for every basis (0 when none), so the dashboard shows this week's figure, not an old one.
 */
export function savingsDocuments(
  namespace: string,
  service: string,
  nowMs: number,
  findings: readonly Finding[],
): string[] {
  return savingsByBasis(findings).map((s) =>
    JSON.stringify({
      _aws: {
        Timestamp: nowMs,
        CloudWatchMetrics: [
          {
            Namespace: namespace,
            Dimensions: [['service', SAVINGS.basisDimension]],
            Metrics: [
              { Name: SAVINGS.monthlyUsd, Unit: 'None' },
              { Name: SAVINGS.findings, Unit: 'Count' },
            ],
          },
        ],
      },
      service,
      [SAVINGS.basisDimension]: s.basis,
      [SAVINGS.monthlyUsd]: s.monthlyUsd,
      [SAVINGS.findings]: s.findings,
    }),
  );
}

/** Findings listed per basis in the message; the rest are counted. */
export const MESSAGE_FINDINGS_PER_BASIS = 5;

function scopeText(f: Finding): string {
  const who = f.scope.caller ?? f.scope.team ?? f.scope.account;
  return [f.scope.model, f.scope.region, who].filter(Boolean).join(' ');
}

/** The first words of every weekly message: the notifier knows the report by them (and the attribute). */
export const ADVICE_HEADLINE = 'Weekly savings report of';

/** The line that stands for findings a message leaves out; chat destinations cut with the same words. */
export const moreFindingsLine = (n: number) => `… ${n} more finding${n === 1 ? '' : 's'}`;

export interface MessageContext {
  namePrefix: string;
  /** Calls read, and calls the week had beyond what was read (busy bins, the memory cap). */
  calls: number;
  unread: number;
  rejected: number;
}

/**
 * The weekly message: a subject within SNS's 100 characters, then per basis its monthly total and
 * its largest findings (check, scope, calls, formula). Figures and ids only, never prompt text.
 */
export function adviceMessage(advice: Advice, ctx: MessageContext): { subject: string; message: string } {
  const saving = savingsByBasis(advice.findings);
  const exact = saving[0]?.monthlyUsd ?? 0;
  // SNS takes a subject of fewer than 100 ASCII characters.
  const subject =
    `${ctx.namePrefix} weekly savings: ${advice.findings.length} findings, exact ${usd(exact)}/month`.slice(
      0,
      99,
    );
  const lines = [
    `${ADVICE_HEADLINE} ${ctx.namePrefix}: ${ctx.calls} successful calls from ${advice.window.start} to ${advice.window.end}.`,
    'Monthly figures extrapolate the week to 30 days; bases are never added together, and findings may overlap.',
  ];
  if (ctx.unread > 0 || ctx.rejected > 0)
    lines.push(
      `Not read: ${ctx.unread} calls (Logs Insights row limit or the memory cap); ${ctx.rejected} records rejected.`,
    );
  for (const s of saving) {
    if (s.findings === 0) continue;
    lines.push('', `${s.basis}: ${usd(s.monthlyUsd)} per month in ${s.findings} findings`);
    const top = advice.findings.filter((f) => f.basis === s.basis).slice(0, MESSAGE_FINDINGS_PER_BASIS);
    for (const f of top)
      lines.push(
        `- ${f.check} ${scopeText(f)}: ${usd(f.monthlyUsd ?? 0)}/month, ${f.calls} calls. ${f.formula}`,
      );
    if (s.findings > top.length) lines.push(moreFindingsLine(s.findings - top.length));
  }
  const descriptive = advice.findings.filter((f) => f.basis === 'descriptive').length;
  if (descriptive > 0) lines.push('', `${descriptive} usage observations (descriptive) back these up.`);
  if (advice.gaps.length > 0)
    lines.push(
      `${advice.gaps.length} checks could not put a figure on some calls (a missing price or setting).`,
    );
  lines.push(
    '',
    'Caveats, formulas and the full report: run bedrock-watch advise on exported logs (docs/advise.md).',
  );
  return { subject, message: lines.join('\n') };
}

/** The assumptions of the weekly run's scenarios: `bedrock-watch advise`'s defaults (no flags deployed). */
export const WEEKLY_OPTIONS = { cacheHitShare: 0.5, siblingShare: 1 } as const;

/** The advisor's own settings, one JSON variable: where it reads, where it sends, what it is called. */
export const ADVISOR_ENV = 'BEDROCK_WATCH_ADVISOR';

export interface AdvisorSettings {
  logGroupName: string;
  topicName: string;
  namePrefix: string;
}

/** BEDROCK_WATCH_ADVISOR's value. @throws Error naming the missing or ill-typed setting. */
export function parseAdvisorSettings(value: string | undefined): AdvisorSettings {
  const doc: unknown = JSON.parse(value ?? 'null');
  const settings = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  for (const key of ['logGroupName', 'topicName', 'namePrefix'])
    if (typeof settings[key] !== 'string' || settings[key] === '')
      throw new Error(`${ADVISOR_ENV}: ${key} must be a non-empty string`);
  return {
    logGroupName: settings.logGroupName as string,
    topicName: settings.topicName as string,
    namePrefix: settings.namePrefix as string,
  };
}

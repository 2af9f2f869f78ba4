/**
 * The replay report as text: by default six narrow tables (calls and cost, tokens, latency, errors as the alarms count them, errors
 * by class, quality) that fit a 120-column terminal, `--wide` for the single table with every column, and
 * `--csv` for spreadsheets. `--json` is the summary itself (cli/replay/command.ts).
 */

import type { ModelTotals } from '../../shared/analysis/summary';
import { ERROR_CLASSES } from '../../shared/contract/error-classes';
import { csvField } from '../common/csv';
import { describeDamage } from '../input/sources';
import type { ByGroup } from './by';
import type { AlarmErrors } from './errors';
import type { ReplayReport } from './run';

type ReplaySummary = ReplayReport;
type Totals = ModelTotals & { alarmErrors: AlarmErrors };

const int = (n: number) => n.toLocaleString('en-US');
const ms = (n: number | null) => (n === null ? '-' : `${int(n)}`);
const usd = (n: number) => `$${n.toFixed(n !== 0 && n < 0.01 ? 6 : 4)}`;
const pctCell = (n: number | null) => (n === null ? '-' : `${n.toFixed(1)}%`);
const ratioCell = (n: number | null) => (n === null ? '-' : n.toFixed(3));
/** Every error class, throttling included (what attribution's Errors counter counts). */
const allErrorsOf = (m: ModelTotals) => ERROR_CLASSES.reduce((a, c) => a + m.errors[c], 0);

/** The widest a model id is shown in the narrow tables; longer ones are shortened in the middle. */
export const MODEL_COLUMN = 48;
/** The width the default report is designed for. */
export const REPORT_WIDTH = 120;

function shorten(id: string, width: number): string {
  if (id.length <= width) return id;
  // Keep the start (the kind of id) and the end (what tells two ids apart).
  const head = Math.floor((width - 1) / 3);
  return `${id.slice(0, head)}…${id.slice(id.length - (width - 1 - head))}`;
}

/** A table: the first `left` columns (names) left-aligned, the figures right-aligned. */
function table(header: string[], rows: string[][], left = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < left ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A cost cell: `unpriced` when nothing could be priced, the amount otherwise. */
const costCell = (m: ModelTotals) => (m.costUsd === null ? 'unpriced' : usd(m.costUsd));
const per1kCell = (m: ModelTotals) => (m.costPer1kInvocations === null ? '-' : usd(m.costPer1kInvocations));

interface Row {
  name: string;
  m: Totals;
}

function rowsOf(summary: ReplaySummary, width: number | undefined): Row[] {
  const rows: Row[] = summary.models.map((m) => ({ name: width ? shorten(m.modelId, width) : m.modelId, m }));
  rows.push({ name: 'ALL MODELS', m: summary.totals });
  return rows;
}

/** The six narrow tables of the default report. */
function narrowTables(summary: ReplaySummary): string[] {
  const rows = rowsOf(summary, MODEL_COLUMN);
  const { totals } = summary;
  return [
    'Calls and cost',
    table(
      ['model', 'calls', 'errors', 'error %', 'throttles', 'cost', '$/1k calls', 'unpriced'],
      rows.map(({ name, m }) => [
        name,
        int(m.invocations),
        int(m.alarmErrors.errors),
        pctCell(m.alarmErrors.errorPct),
        int(m.alarmErrors.throttles),
        costCell(m),
        per1kCell(m),
        int(m.unpricedInvocations),
      ]),
    ),
    '',
    'Tokens',
    table(
      ['model', 'input', 'output', 'cache read', 'cache write'],
      rows.map(({ name, m }) => [
        name,
        int(m.inputTokens),
        int(m.outputTokens),
        int(m.cacheReadInputTokens),
        int(m.cacheWriteInputTokens),
      ]),
    ),
    '',
    `Latency in ms (nearest rank; ${int(totals.latencyMs.count)} latency and ${int(totals.timeToFirstTokenMs.count)} time-to-first-token values)`,
    table(
      ['model', 'p50', 'p95', 'p99', 'ttft p50', 'ttft p95'],
      rows.map(({ name, m }) => [
        name,
        ms(m.latencyMs.p50),
        ms(m.latencyMs.p95),
        ms(m.latencyMs.p99),
        ms(m.timeToFirstTokenMs.p50),
        ms(m.timeToFirstTokenMs.p95),
      ]),
    ),
    '',
    'Errors as the alarms count them (% of calls)',
    table(
      ['model', 'server errors', 'client errors', 'error %', 'throttles', 'throttle %'],
      rows.map(({ name, m }) => [
        name,
        int(m.alarmErrors.serverErrors),
        int(m.alarmErrors.clientErrors),
        pctCell(m.alarmErrors.errorPct),
        int(m.alarmErrors.throttles),
        pctCell(m.alarmErrors.throttlePct),
      ]),
    ),
    '',
    'Errors by class',
    table(
      ['model', ...ERROR_CLASSES.map((c) => c.toLowerCase())],
      rows.map(({ name, m }) => [name, ...ERROR_CLASSES.map((c) => int(m.errors[c]))]),
    ),
    '',
    'Quality (stop reasons and guardrails; % of calls)',
    qualityTable(rows),
  ];
}

/** Truncated, guardrail, content-filtered and empty answers, and the output/input token ratio. */
function qualityTable(rows: Row[]): string {
  return table(
    ['model', 'truncated', 'trunc %', 'guardrail', 'guard %', 'filtered', 'empty', 'out/in tok'],
    rows.map(({ name, m }) => [
      name,
      int(m.quality.truncatedAnswers),
      pctCell(m.quality.truncatedPct),
      int(m.quality.guardrailInterventions),
      pctCell(m.quality.guardrailPct),
      int(m.quality.contentFilteredAnswers),
      int(m.quality.emptyAnswers),
      ratioCell(m.quality.outputInputRatio),
    ]),
  );
}

/** The single table with every column (`--wide`), as replay printed it before the narrow default. */
function wideTable(summary: ReplaySummary): string[] {
  const header = [
    'model',
    'calls',
    'errors',
    'err %',
    'server',
    'client',
    'thr %',
    ...ERROR_CLASSES.map((c) => `${c.toLowerCase().slice(0, 5)}`),
    'in tok',
    'out tok',
    'cache rd',
    'cache wr',
    'lat p50',
    'p95',
    'p99',
    'ttft p50',
    'p95',
    'cost',
    '$/1k calls',
    'unpriced',
  ];
  const rows = rowsOf(summary, undefined).map(({ name, m }) => [
    name,
    int(m.invocations),
    int(m.alarmErrors.errors),
    pctCell(m.alarmErrors.errorPct),
    int(m.alarmErrors.serverErrors),
    int(m.alarmErrors.clientErrors),
    pctCell(m.alarmErrors.throttlePct),
    ...ERROR_CLASSES.map((c) => int(m.errors[c])),
    int(m.inputTokens),
    int(m.outputTokens),
    int(m.cacheReadInputTokens),
    int(m.cacheWriteInputTokens),
    ms(m.latencyMs.p50),
    ms(m.latencyMs.p95),
    ms(m.latencyMs.p99),
    ms(m.timeToFirstTokenMs.p50),
    ms(m.timeToFirstTokenMs.p95),
    costCell(m),
    per1kCell(m),
    int(m.unpricedInvocations),
  ]);
  return [
    table(header, rows),
    '',
    'Errors (and err %) exclude throttles, as the error-rate alarms count them; server = timeo+model+serve,',
    "client = valid+auth; thr % the throttle-rate alarms' share of calls.",
    'Errors by class: throt(tling) timeo(ut) valid(ation) auth model serve(r). Latency and TTFT in ms,',
    `from ${int(summary.totals.latencyMs.count)} latency and ${int(summary.totals.timeToFirstTokenMs.count)} TTFT values (nearest rank).`,
    '',
    'Quality (stop reasons and guardrails; % of calls)',
    qualityTable(rowsOf(summary, undefined)),
  ];
}

/** Wraps `text` at `width`, indenting every line by `indent`. */
function wrap(text: string, indent: string, width = REPORT_WIDTH): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.length > indent.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
    }
    line += line.length > indent.length ? ` ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** User feedback per model (docs/quality.md), only when some feedback was read. */
function feedbackSection(summary: ReplaySummary, wide: boolean): string[] {
  if (summary.totals.quality.feedbackCount === 0) return [];
  const rows = rowsOf(summary, wide ? undefined : MODEL_COLUMN).filter(
    ({ m }) => m.quality.feedbackCount > 0,
  );
  return [
    '',
    'User feedback (score 0 to 1)',
    table(
      ['model', 'feedback', 'avg score'],
      rows.map(({ name, m }) => [
        name,
        int(m.quality.feedbackCount),
        m.quality.feedbackAverage === null ? '-' : m.quality.feedbackAverage.toFixed(3),
      ]),
    ),
  ];
}

/** Why each unpriced model has no price and how to give it one; full ids of shortened ones. */
function unpricedSection(summary: ReplaySummary): string[] {
  const unpriced = summary.models.filter((m) => m.unpricedInvocations > 0);
  if (unpriced.length === 0) return [];
  const out = ['', 'Unpriced models (cost not included):'];
  for (const m of unpriced) {
    out.push(`  ${m.modelId}: ${int(m.unpricedInvocations)} unpriced calls`);
    for (const r of m.unpricedReasons) {
      out.push(...wrap(`why: ${r.detail} (${r.regions.join(', ')})`, '    '));
      out.push(...wrap(`fix: ${r.fix}`, '    '));
    }
  }
  return out;
}

function timeLine(summary: ReplaySummary): string {
  const { time } = summary;
  const span =
    time.firstMinute && time.lastMinute
      ? `Record time: ${time.firstMinute.slice(0, 16).replace('T', ' ')} to ${time.lastMinute.slice(0, 16).replace('T', ' ')} UTC (minutes with metrics)`
      : 'Record time: no metrics';
  const filter =
    time.since || time.until
      ? `; only records from ${time.since ?? 'the start'} until ${time.until ?? 'the end'}`
      : '';
  const clock = time.now
    ? `Clock: ${time.now}, records outside the function's acceptance window (14 days back, 2 hours ahead) rejected as Lambda would`
    : "Clock: none, no record rejected for its age (--now applies the function's acceptance window)";
  return `${span}${filter}\n${clock}`;
}

/** One table per `--by` grouping, one column per dimension. */
function bySections(summary: ReplaySummary, wide: boolean): string[] {
  const out: string[] = [];
  for (const [key, groups] of Object.entries(summary.by ?? {})) {
    const dims = key.split(',');
    out.push(
      '',
      `By ${dims.join(', ')} (errors: server errors, timeouts and model errors, as the error-rate alarm counts them):`,
      table(
        [
          ...dims,
          'calls',
          'errors',
          'client err',
          'throttles',
          'in tok',
          'out tok',
          'lat p50',
          'p95',
          'p99',
          'cost',
        ],
        groups.map((g) => [
          ...dims.map((d) => (wide ? (g.values[d] ?? '') : shorten(g.values[d] ?? '', MODEL_COLUMN))),
          int(g.invocations),
          int(g.errors),
          int(g.clientErrors),
          int(g.throttles),
          int(g.inputTokens),
          int(g.outputTokens),
          ms(g.latencyMs.p50),
          ms(g.latencyMs.p95),
          ms(g.latencyMs.p99),
          g.costUsd === null ? 'unpriced' : usd(g.costUsd),
        ]),
        dims.length,
      ),
    );
  }
  return out;
}

/** The human-readable replay report; `wide` prints every column in one table. */
export function formatSummary(summary: ReplaySummary, options: { wide?: boolean } = {}): string {
  const { records } = summary;
  const out: string[] = [];
  out.push(
    `Records: ${int(records.total)} received, ${int(records.accepted)} accepted, ` +
      `${int(records.duplicates)} duplicates dropped, ${int(records.rejected)} rejected` +
      (records.filtered !== undefined ? `, ${int(records.filtered)} outside --since/--until` : '') +
      (records.feedback !== undefined ? `, ${int(records.feedback)} feedback records` : '') +
      ` (in ${int(summary.batches.total)} ${summary.batches.total === 1 ? 'batch' : 'batches'}${summary.batches.failed ? `, ${summary.batches.failed} FAILED` : ''})`,
    timeLine(summary),
    '',
  );
  out.push(...(options.wide ? wideTable(summary) : narrowTables(summary)));
  out.push(...feedbackSection(summary, options.wide === true));
  const shortened = options.wide ? [] : summary.models.filter((m) => m.modelId.length > MODEL_COLUMN);
  if (shortened.length > 0) {
    out.push('', 'Model ids shortened above:');
    for (const m of shortened) out.push(`  ${shorten(m.modelId, MODEL_COLUMN)}`, `    = ${m.modelId}`);
  }
  for (const [key, values] of Object.entries(summary.attribution)) {
    out.push('', `By ${key}:`);
    out.push(
      table(
        [key, 'calls', 'errors+thr', 'in tok', 'out tok', 'lat p50', 'p95', 'p99', 'cost', '$/1k calls'],
        values.map((v) => [
          options.wide ? v.value : shorten(v.value, MODEL_COLUMN),
          int(v.invocations),
          int(v.errors),
          int(v.inputTokens),
          int(v.outputTokens),
          ms(v.latencyMs.p50),
          ms(v.latencyMs.p95),
          ms(v.latencyMs.p99),
          usd(v.costUsd),
          v.costPer1kInvocations === null ? '-' : usd(v.costPer1kInvocations),
        ]),
      ),
    );
  }
  out.push(...bySections(summary, options.wide === true));
  for (const p of summary.provisionedModels) {
    out.push(
      '',
      `Provisioned/custom model ${p.modelId}: ${int(p.invocations)} calls, billed at $${p.hourlyUsd}/hour (not in cost)`,
    );
  }
  out.push(...unpricedSection(summary));
  const { modelIdCap } = summary;
  if (modelIdCap.folded > 0) {
    out.push(
      '',
      ...wrap(
        `${int(modelIdCap.folded)} model id(s) beyond maxModelIds (${modelIdCap.maxModelIds}) are reported as Other: ${modelIdCap.foldedModelIds.slice(0, 5).join(', ')}${modelIdCap.folded > 5 ? ', …' : ''}`,
        '',
      ),
    );
  }
  const reasons = Object.entries(records.rejectedByReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    out.push('', 'Rejected records by reason:');
    for (const [reason, count] of reasons) out.push(`  ${reason.padEnd(40)} ${int(count)}`);
  }
  for (const failure of summary.batches.failures) {
    out.push('', `FAILED batch ${failure.source}: ${failure.error} (Lambda would retry it)`);
  }
  for (const damage of summary.inputs.damaged) out.push('', `DAMAGED input ${describeDamage(damage)}`);
  return `${out.join('\n')}\n`;
}

const CSV_COLUMNS = [
  'scope',
  'name',
  'calls',
  'errors',
  ...ERROR_CLASSES.map((c) => `${c.toLowerCase()}_errors`),
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_write_input_tokens',
  'latency_count',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'ttft_count',
  'ttft_p50_ms',
  'ttft_p95_ms',
  'ttft_p99_ms',
  'cost_usd',
  'cost_per_1k_calls_usd',
  'unpriced_calls',
  'unpriced_reasons',
  'truncated_answers',
  'guardrail_interventions',
  'content_filtered_answers',
  'empty_answers',
  'output_input_token_ratio',
  'feedback_count',
  'feedback_average_score',
  // Not `server_errors`: that is the Server class's column.
  'server_side_errors',
  'client_side_errors',
  'errors_with_throttles',
] as const;

/** RFC 4180: quote a field holding a comma, quote or line break. */

/**
 * The report as CSV: one row per model (`scope` model), one for all models (`all-models`), and one
 * per attribution value (`attribution:<key>`; the columns attribution has no figure for are empty).
 * Numbers are exact: no thousands separators, costs in USD with the JSON's precision, empty for
 * null (an unpriced cost, a percentile without values).
 */
export function formatCsv(summary: ReplaySummary): string {
  const modelRow = (scope: string, name: string, m: Totals, reasons = '') => [
    scope,
    name,
    m.invocations,
    m.alarmErrors.errors,
    ...ERROR_CLASSES.map((c) => m.errors[c]),
    m.inputTokens,
    m.outputTokens,
    m.cacheReadInputTokens,
    m.cacheWriteInputTokens,
    m.latencyMs.count,
    m.latencyMs.p50,
    m.latencyMs.p95,
    m.latencyMs.p99,
    m.timeToFirstTokenMs.count,
    m.timeToFirstTokenMs.p50,
    m.timeToFirstTokenMs.p95,
    m.timeToFirstTokenMs.p99,
    m.costUsd,
    m.costPer1kInvocations,
    m.unpricedInvocations,
    reasons,
    m.quality.truncatedAnswers,
    m.quality.guardrailInterventions,
    m.quality.contentFilteredAnswers,
    m.quality.emptyAnswers,
    m.quality.outputInputRatio,
    m.quality.feedbackCount,
    m.quality.feedbackAverage,
    m.alarmErrors.serverErrors,
    m.alarmErrors.clientErrors,
    allErrorsOf(m),
  ];
  const rows: (string | number | null)[][] = [
    ...summary.models.map((m) =>
      modelRow('model', m.modelId, m, m.unpricedReasons.map((r) => r.reason).join(' ')),
    ),
    modelRow('all-models', 'ALL MODELS', summary.totals),
  ];
  for (const [key, values] of Object.entries(summary.attribution)) {
    for (const v of values) {
      const row: (string | number | null)[] = CSV_COLUMNS.map(() => null);
      const set = (column: (typeof CSV_COLUMNS)[number], value: string | number | null) => {
        row[CSV_COLUMNS.indexOf(column)] = value;
      };
      set('scope', `attribution:${key}`);
      set('name', v.value);
      set('calls', v.invocations);
      // Attribution counts errors of every class in one counter, throttles included.
      set('errors_with_throttles', v.errors);
      set('input_tokens', v.inputTokens);
      set('output_tokens', v.outputTokens);
      set('latency_count', v.latencyMs.count);
      set('latency_p50_ms', v.latencyMs.p50);
      set('latency_p95_ms', v.latencyMs.p95);
      set('latency_p99_ms', v.latencyMs.p99);
      set('cost_usd', v.costUsd);
      set('cost_per_1k_calls_usd', v.costPer1kInvocations);
      rows.push(row);
    }
  }
  for (const [key, groups] of Object.entries(summary.by ?? {})) {
    for (const g of groups) rows.push(byRow(key, g));
  }
  return `${[CSV_COLUMNS.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n')}\n`;
}

/**
 * A `--by` group's CSV row (`scope` by:<dims>): the error columns mean what they mean for a model
 * (`errors` server and client errors, `server_side_errors` the group's `errors`); the per-class
 * and other columns it has no figure for are empty.
 */
function byRow(key: string, g: ByGroup): (string | number | null)[] {
  const row: (string | number | null)[] = CSV_COLUMNS.map(() => null);
  const set = (column: (typeof CSV_COLUMNS)[number], value: string | number | null) => {
    row[CSV_COLUMNS.indexOf(column)] = value;
  };
  set('scope', `by:${key}`);
  set('name', g.value);
  set('calls', g.invocations);
  set('errors', g.errors + g.clientErrors);
  set('throttling_errors', g.throttles);
  set('input_tokens', g.inputTokens);
  set('output_tokens', g.outputTokens);
  set('latency_count', g.latencyMs.count);
  set('latency_p50_ms', g.latencyMs.p50);
  set('latency_p95_ms', g.latencyMs.p95);
  set('latency_p99_ms', g.latencyMs.p99);
  set('cost_usd', g.costUsd);
  set('unpriced_calls', g.unpricedInvocations);
  set('server_side_errors', g.errors);
  set('client_side_errors', g.clientErrors);
  set('errors_with_throttles', g.errors + g.clientErrors + g.throttles);
  return row;
}

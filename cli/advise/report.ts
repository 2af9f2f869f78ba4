/**
 * The advisor's report: a table per basis that fits 120 columns (figures of different bases are never
 * added up), the formula and evidence under each finding, each check's caveat once, then what could
 * not be assessed. Also the CSV. No prompt or response text reaches any of them: findings hold none.
 */

import type { Advice } from '../../shared/advice/checks';
import type { Basis, Finding, Gap, Scope } from '../../shared/advice/types';
import { csvField } from '../common/csv';

export const WIDTH = 120;

const BASES: Record<Basis, string> = {
  exact: 'EXACT: a price rule applied to logged tokens',
  'upper-bound': 'UPPER BOUND: the most that could be saved',
  scenario: 'SCENARIO: rests on an assumption you can change (the flag says which)',
  descriptive: 'DESCRIPTIVE: usage patterns, the evidence behind the findings above (no saving)',
};

export interface ReportMeta {
  calls: number;
  failedCalls: number;
  rejected: number;
}

/** Wraps text at `width`, every line indented by `indent` spaces. */
export function wrap(text: string, indent: number, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const room = width - indent;
    if (line.length > 0 && line.length + 1 + word.length > room) {
      lines.push(' '.repeat(indent) + line);
      line = '';
    }
    // A word longer than the line (a URL) is cut rather than let through.
    let rest = word;
    while (rest.length > room) {
      if (line.length > 0) lines.push(' '.repeat(indent) + line);
      lines.push(' '.repeat(indent) + rest.slice(0, room));
      rest = rest.slice(room);
      line = '';
    }
    line = line.length > 0 ? `${line} ${rest}` : rest;
  }
  if (line.length > 0) lines.push(' '.repeat(indent) + line);
  return lines;
}

export function scopeText(scope: Scope): string {
  return [
    scope.model,
    scope.region,
    scope.caller ? `caller=${scope.caller}` : undefined,
    scope.team ? `team=${scope.team}` : undefined,
    scope.account ? `account=${scope.account}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}

const cell = (text: string, width: number) =>
  text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
const money = (x: number | null) => (x === null ? '-' : x.toFixed(2));

function findingLines(f: Finding): string[] {
  const row = `  ${cell(f.check, 22)} ${cell(scopeText(f.scope), 58)} ${String(f.calls).padStart(7)} ${money(f.windowUsd).padStart(12)} ${money(f.monthlyUsd).padStart(12)}`;
  const evidence = Object.entries(f.evidence)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const scope = scopeText(f.scope);
  return [
    row.trimEnd(),
    // A scope too long for its column is written out in full below.
    ...(scope.length > 58 ? wrap(`scope: ${scope}`, 6) : []),
    ...wrap(`formula: ${f.formula}`, 6),
    ...(evidence ? wrap(`evidence: ${evidence}`, 6) : []),
    ...wrap(
      `prices as of ${f.pricesAsOf ?? 'n/a'}${f.flag ? `; change the assumption with ${f.flag}` : ''}`,
      6,
    ),
  ];
}

function section(basis: Basis, findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const header = `  ${'check'.padEnd(22)} ${'scope'.padEnd(58)} ${'calls'.padStart(7)} ${'window USD'.padStart(12)} ${'month USD'.padStart(12)}`;
  const lines = ['', BASES[basis], header.trimEnd()];
  for (const f of findings) lines.push(...findingLines(f));
  // Each distinct caveat once, under the findings it qualifies.
  const caveats = new Map<string, string>();
  for (const f of findings) if (!caveats.has(f.caveat)) caveats.set(f.caveat, f.check);
  for (const [caveat, check] of caveats) lines.push(...wrap(`caveat (${check}): ${caveat}`, 2));
  return lines;
}

function gapLines(gaps: readonly Gap[]): string[] {
  if (gaps.length === 0) return [];
  return [
    '',
    'NOT ASSESSED (a price or a setting is missing; nothing is guessed)',
    ...gaps.flatMap((g) => wrap(`${g.check} ${scopeText(g.scope)} (${g.calls} calls): ${g.reason}`, 2)),
  ];
}

/** The report as text, every line at most 120 columns. */
export function formatReport(advice: Advice, meta: ReportMeta): string {
  const { window } = advice;
  const lines = [
    ...wrap(
      `bedrock-watch advise: ${meta.calls.toLocaleString('en-US')} successful calls from ${window.start} to ${window.end} ` +
        `(${window.days} days; ${meta.failedCalls} failed calls and ${meta.rejected} rejected records left out). ` +
        'Month figures are the window extrapolated to 30 days. Figures of different bases are never added up, and ' +
        'findings may overlap (the same calls can appear under several checks).',
      0,
    ),
  ];
  const bases: Basis[] = ['exact', 'upper-bound', 'scenario', 'descriptive'];
  for (const basis of bases)
    lines.push(
      ...section(
        basis,
        advice.findings.filter((f) => f.basis === basis),
      ),
    );
  if (advice.findings.length === 0)
    lines.push('', 'No finding: nothing in these logs to save on with the checks and prices known.');
  lines.push(...gapLines(advice.gaps));
  return `${lines.join('\n')}\n`;
}

const CSV_COLUMNS = [
  'check',
  'basis',
  'model',
  'region',
  'caller',
  'team',
  'account',
  'calls',
  'windowUsd',
  'monthlyUsd',
  'pricesAsOf',
  'formula',
  'caveat',
] as const;

/** One CSV row per finding. */
export function formatCsv(advice: Advice): string {
  const rows = advice.findings.map((f) =>
    [
      f.check,
      f.basis,
      f.scope.model,
      f.scope.region,
      f.scope.caller,
      f.scope.team,
      f.scope.account,
      f.calls,
      f.windowUsd,
      f.monthlyUsd,
      f.pricesAsOf,
      f.formula,
      f.caveat,
    ]
      .map(csvField)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}

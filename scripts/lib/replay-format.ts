import type { ModelTotals, ReplaySummary } from '../../shared/analysis/summary';
import { ERROR_CLASSES } from '../../shared/contract/error-classes';

const int = (n: number) => n.toLocaleString('en-US');
const ms = (n: number | null) => (n === null ? '-' : `${int(n)}`);
const usd = (n: number) => `$${n.toFixed(n !== 0 && n < 0.01 ? 6 : 4)}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function modelRow(name: string, m: ModelTotals): string[] {
  return [
    name,
    int(m.invocations),
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
    m.unpricedInvocations > 0 && m.costUsd === 0 ? 'unpriced' : usd(m.costUsd),
    m.costPer1kInvocations === null || (m.unpricedInvocations > 0 && m.costUsd === 0)
      ? '-'
      : usd(m.costPer1kInvocations),
    int(m.unpricedInvocations),
  ];
}

/** The human-readable replay report. */
export function formatSummary(summary: ReplaySummary): string {
  const { records } = summary;
  const out: string[] = [];
  out.push(
    `Records: ${int(records.total)} received, ${int(records.accepted)} accepted, ` +
      `${int(records.duplicates)} duplicates dropped, ${int(records.rejected)} rejected` +
      ` (in ${int(summary.batches.total)} batches${summary.batches.failed ? `, ${summary.batches.failed} FAILED` : ''})`,
    '',
  );
  const header = [
    'model',
    'calls',
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
  const rows = summary.models.map((m) => modelRow(m.modelId, m));
  rows.push(modelRow('ALL MODELS', summary.totals));
  out.push(table(header, rows));
  out.push(
    '',
    'Errors by class: throt(tling) timeo(ut) valid(ation) auth model serve(r). Latency and TTFT in ms,',
    `from ${int(summary.totals.latencyMs.count)} latency and ${int(summary.totals.timeToFirstTokenMs.count)} TTFT values (nearest rank).`,
  );
  for (const [key, values] of Object.entries(summary.attribution)) {
    out.push('', `By ${key}:`);
    out.push(
      table(
        [key, 'calls', 'errors', 'in tok', 'out tok', 'lat p50', 'p95', 'p99', 'cost', '$/1k calls'],
        values.map((v) => [
          v.value,
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
  for (const p of summary.provisionedModels) {
    out.push(
      '',
      `Provisioned/custom model ${p.modelId}: ${int(p.invocations)} calls, billed at $${p.hourlyUsd}/hour (not in cost)`,
    );
  }
  if (summary.unpricedModels.length > 0) {
    out.push('', `Unpriced models (cost not included): ${summary.unpricedModels.join(', ')}`);
  }
  const reasons = Object.entries(records.rejectedByReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    out.push('', 'Rejected records by reason:');
    for (const [reason, count] of reasons) out.push(`  ${reason.padEnd(40)} ${int(count)}`);
  }
  for (const failure of summary.batches.failures) {
    out.push('', `FAILED batch ${failure.source}: ${failure.error} (Lambda would retry it)`);
  }
  return `${out.join('\n')}\n`;
}

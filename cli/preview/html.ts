/**
 * Writes the dashboard preview as one self-contained HTML file: uPlot and the chart script inlined,
 * data as a JSON block, and a Content-Security-Policy that runs only those exact inline scripts (by
 * hash) and allows no source of any kind (default-src 'none'), so the page cannot make a single
 * network request. Inline styles stay allowed: the grid places widgets with style attributes, and
 * CSS can fetch nothing when every source is 'none'.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Widget } from '../../shared/monitoring/dashboards/grid';
import type { WidgetData } from '../../shared/preview/widget-data';
import { BUNDLE, type BundleFacts } from '../common/bundle';

export interface PreviewDashboard {
  key: string;
  name: string;
  widgets: { widget: Widget; data: WidgetData }[];
}

export interface PreviewPage {
  inputs: string[];
  fromMs: number;
  toMs: number;
  params: Record<string, string>;
  deliveryLagSeconds: number;
  dashboards: PreviewDashboard[];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Headings, bold and paragraphs: all the dashboards' text widgets use. */
function markdown(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const inline = (s: string) =>
        escapeHtml(s)
          .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
          .replace(/\*([^*]+)\*/g, '<em>$1</em>')
          .replace(/`([^`]+)`/g, '<code>$1</code>');
      return block
        .split('\n')
        .map((line) => {
          const h = /^(#{1,3})\s+(.*)$/.exec(line);
          return h
            ? `<h${(h[1] as string).length + 1}>${inline(h[2] as string)}</h${(h[1] as string).length + 1}>`
            : `<p>${inline(line)}</p>`;
        })
        .join('');
    })
    .join('');
}

function singleValue(data: Extract<WidgetData, { kind: 'chart' }>): string {
  const cells = data.series.map((s) => {
    const last = s.points.at(-1);
    const value =
      last === undefined
        ? '–'
        : s.unit === 'USD'
          ? `$${last[1].toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
          : Number(last[1].toPrecision(6)).toLocaleString('en-US');
    return `<div class="single"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(s.label)}</div></div>`;
  });
  return `<div class="singles" data-points="${data.series.reduce((n, s) => n + s.points.length, 0)}">${cells.join('')}</div>`;
}

function widgetBody(data: WidgetData, charts: WidgetData[]): { html: string; reason?: string } {
  if (data.kind === 'text') return { html: `<div class="text">${markdown(data.markdown)}</div>` };
  if (data.kind === 'alarms') {
    const rows = data.alarms.map(
      (a) =>
        `<tr class="state-${escapeHtml(a.state.replace(/\s+/g, '_'))}"><td>${escapeHtml(a.name)}</td><td>${escapeHtml(a.state)}</td><td>${escapeHtml(a.detail)}</td></tr>`,
    );
    return {
      html: `<table class="alarms"><tr><th>alarm</th><th>final state</th><th></th></tr>${rows.join('')}</table>`,
    };
  }
  const notes = [...data.notes, ...data.unavailable].map((u) => `<li>${escapeHtml(u)}</li>`).join('');
  const hasData = data.series.some((s) => s.points.length > 0);
  const noteList = notes ? `<ul class="notes">${notes}</ul>` : '';
  if (!hasData) {
    const reason =
      data.derivedLines > 0
        ? 'no datapoints in the replayed logs for these metrics'
        : 'its data cannot be derived from the invocation logs';
    return { html: `<div class="reason">Not shown: ${escapeHtml(reason)}.</div>${noteList}`, reason };
  }
  if (data.view === 'singleValue') return { html: singleValue(data) + noteList };
  charts.push(data);
  return { html: `<div class="chart" data-chart="${charts.length - 1}"></div>${noteList}` };
}

function dashboardSection(d: PreviewDashboard, charts: WidgetData[]): string {
  const widgets = d.widgets.map(({ widget, data }) => {
    const { html, reason } = widgetBody(data, charts);
    const style = `grid-column:${widget.x + 1}/span ${widget.width};grid-row:${widget.y + 1}/span ${widget.height}`;
    const title = data.kind === 'text' ? '' : `<h3>${escapeHtml(data.title)}</h3>`;
    // data-y / data-h: the grid row and span, which the page's script grows when content needs it.
    return `<div class="widget ${data.kind}" data-widget="${escapeHtml(data.title)}"${reason ? ` data-reason="${escapeHtml(reason)}"` : ''} data-y="${widget.y}" data-h="${widget.height}" style="${style}">${title}${html}</div>`;
  });
  return `<section data-dashboard="${escapeHtml(d.key)}"><h2>${escapeHtml(d.name)}</h2><div class="grid">${widgets.join('')}</div></section>`;
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#16191f}
header{padding:12px 20px;background:#232f3e;color:#fff}header h1{margin:0 0 4px;font-size:20px}header p{margin:2px 0;font-size:13px;opacity:.9}
section{padding:8px 20px}section h2{font-size:17px}
.grid{display:grid;grid-template-columns:repeat(24,1fr);grid-auto-rows:46px;gap:8px}
.widget{background:#fff;border:1px solid #d5dbdb;border-radius:4px;padding:6px 8px;overflow:hidden;display:flex;flex-direction:column}
.widget h3{font-size:13px;margin:0 0 4px}.widget .chart{flex:1;min-height:0}
.text h2,.text h3,.text h4{margin:4px 0}.text p{margin:2px 0;font-size:13px}
.reason{color:#5f6b7a;font-size:13px;padding:8px}.notes{font-size:11px;color:#5f6b7a;margin:2px 0;padding-left:16px}
.singles{display:flex;gap:24px;padding:8px}.single .value{font-size:28px}.single .label{font-size:12px;color:#5f6b7a}
table.alarms{font-size:12px;border-collapse:collapse;width:100%}table.alarms td,table.alarms th{border-bottom:1px solid #eee;padding:2px 4px;text-align:left}
/* uPlot's legend: labels in plain type, so more entries share a row. */
.u-legend{font-size:12px}.u-legend th{font-weight:normal}.u-legend .u-series{padding:1px 4px}
tr.state-ALARM td:nth-child(2){color:#c62828;font-weight:bold}tr.state-OK td:nth-child(2){color:#2e7d32}
`;

/**
 * uPlot's script and style (from its package) and the chart script beside this file, as the source
 * tree has them; the published bundle carries the same texts inside it (dev/build.ts reads them here).
 */
export function readPreviewAssets(): BundleFacts['previewAssets'] {
  const uplotDir = join(createRequire(import.meta.url).resolve('uplot'), '..');
  return {
    uplotJs: readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8'),
    client: readFileSync(join(import.meta.dirname, 'client.js'), 'utf8'),
  };
}

/**
 * The whole page.
 * @example writeFileSync('preview.html', previewHtml(page))
 */
export function previewHtml(page: PreviewPage): string {
  const { uplotJs, uplotCss, client } = BUNDLE.previewAssets ?? readPreviewAssets();
  const charts: WidgetData[] = [];
  const sections = page.dashboards.map((d) => dashboardSection(d, charts)).join('');
  // '<' inside the JSON block would let a label close the script element.
  const json = JSON.stringify({ charts, range: { fromMs: page.fromMs, toMs: page.toMs } }).replace(
    /</g,
    '\\u003c',
  );
  const style = uplotCss + STYLE;
  const csp = `default-src 'none'; script-src ${sha256(uplotJs)} ${sha256(client)}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  const params =
    Object.entries(page.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'defaults';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<title>bedrock-watch dashboards preview</title>
<style>${style}</style></head>
<body>
<header><h1>bedrock-watch: dashboards preview</h1>
<p>Input: ${escapeHtml(page.inputs.join(', '))}</p>
<p>Time range: ${iso(page.fromMs)} to ${iso(page.toMs)} (UTC); delivery lag ${page.deliveryLagSeconds} s for the alarm states</p>
<p>Parameters: ${escapeHtml(params)}</p>
<p>Charts show what the deployed dashboards would show for these logs; dashed lines are alarm thresholds, shaded spans the time an alarm was in ALARM in the simulation.</p></header>
${sections}
<script type="application/json" id="preview-data">${json}</script>
<script>${uplotJs}</script>
<script>${client}</script>
</body></html>
`;
}

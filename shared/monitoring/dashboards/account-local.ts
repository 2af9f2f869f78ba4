/**
 * AWS writes its Bedrock metrics in the account that made the call. In an organization's central
 * account (members send their records, not their metrics) a widget that reads them counts the
 * central account's own calls only; its title says so, so nobody reads it as the organization's.
 */
import type { DashboardDefinition, MetricLine, Widget } from './grid';

/** AWS/Bedrock and AWS/BedrockMantle: written per account (and region) by the service itself. */
const ACCOUNT_LOCAL = /^AWS\/Bedrock(Mantle)?$/;
const ACCOUNT_LOCAL_SEARCH = /\{AWS\/Bedrock(Mantle)?[,}]/;

const THIS_ACCOUNT_ONLY = '(this account only)';
const AWS_LINES_THIS_ACCOUNT_ONLY = '(AWS/Bedrock lines: this account only)';

type Source = 'account-local' | 'other' | 'math';

/** Where one line of a metric widget reads from; an expression over other lines' ids reads nothing itself. */
function sourceOf(line: MetricLine): Source {
  const [first] = line;
  if (typeof first === 'string') return ACCOUNT_LOCAL.test(first) ? 'account-local' : 'other';
  const expression = (first as { expression?: unknown } | undefined)?.expression;
  if (typeof expression !== 'string') return 'other';
  if (ACCOUNT_LOCAL_SEARCH.test(expression)) return 'account-local';
  return expression.includes('SEARCH(') ? 'other' : 'math';
}

function marked(widget: Widget): Widget {
  if (widget.type !== 'metric') return widget;
  const sources = ((widget.properties.metrics ?? []) as MetricLine[]).map(sourceOf);
  if (!sources.includes('account-local')) return widget;
  const note = sources.includes('other') ? AWS_LINES_THIS_ACCOUNT_ONLY : THIS_ACCOUNT_ONLY;
  return { ...widget, properties: { ...widget.properties, title: `${widget.properties.title} ${note}` } };
}

/**
 * The dashboards with every widget that reads AWS/Bedrock or AWS/BedrockMantle marked, when the
 * stack is an organization's central monitor; unchanged otherwise.
 * @example markAccountLocal(dashboards, true)[0].body.widgets[1].properties.title
 * // 'Invocations per model (this account only)' under metricSet=essential
 */
export function markAccountLocal(dashboards: DashboardDefinition[], central: boolean): DashboardDefinition[] {
  if (!central) return dashboards;
  return dashboards.map((d) => ({ ...d, body: { ...d.body, widgets: d.body.widgets.map(marked) } }));
}

import type { Template } from './stack-helpers';

/** One place a deployed alarm or widget reads a metric. */
export interface MetricUse {
  where: string;
  namespace: string;
  metricName: string;
  /** Dimension names (values where known). */
  dimensions: Record<string, string | undefined>;
  unit?: string;
}

type Json = Record<string, any>;

const SEARCH = /SEARCH\('\{([^}]*)\}\s+MetricName="([^"]+)"'/g;

function fromSearch(expression: string, where: string): MetricUse[] {
  const uses: MetricUse[] = [];
  for (const match of expression.matchAll(SEARCH)) {
    const [namespace, ...dims] = (match[1] ?? '').split(',').map((s) => s.trim());
    uses.push({
      where,
      namespace: namespace ?? '',
      metricName: match[2] ?? '',
      dimensions: Object.fromEntries(dims.map((d) => [d, undefined])),
    });
  }
  return uses;
}

/** Every metric the template's alarms, composite inputs and dashboards read. */
export function metricUses(template: Template): MetricUse[] {
  const uses: MetricUse[] = [];
  const dims = (list: { Name: string; Value: string }[] = []) =>
    Object.fromEntries(list.map((d) => [d.Name, d.Value]));
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::CloudWatch::Alarm') {
      const p = r.Properties;
      if (p.MetricName) {
        uses.push({
          where: id,
          namespace: p.Namespace,
          metricName: p.MetricName,
          dimensions: dims(p.Dimensions),
          unit: p.Unit,
        });
      }
      for (const q of p.Metrics ?? []) {
        const m = q.MetricStat?.Metric;
        if (m)
          uses.push({
            where: `${id}.${q.Id}`,
            namespace: m.Namespace,
            metricName: m.MetricName,
            dimensions: dims(m.Dimensions),
            unit: q.MetricStat.Unit,
          });
        if (q.Expression) uses.push(...fromSearch(q.Expression, `${id}.${q.Id}`));
      }
    }
    if (r.Type === 'AWS::CloudWatch::Dashboard') {
      const body = JSON.parse(r.Properties.DashboardBody['Fn::Sub']) as { widgets: Json[] };
      body.widgets.forEach((w, i) => {
        for (const line of (w.properties?.metrics ?? []) as unknown[][]) {
          const where = `${id}.widgets[${i}] "${w.properties.title}"`;
          if (typeof line[0] === 'string') {
            const [namespace, metricName, ...rest] = line as string[];
            const pairs = rest.filter((x) => typeof x === 'string');
            const d: Record<string, string> = {};
            for (let k = 0; k + 1 < pairs.length; k += 2) d[pairs[k] as string] = pairs[k + 1] as string;
            uses.push({
              where,
              namespace: namespace as string,
              metricName: metricName as string,
              dimensions: d,
            });
          } else if (line[0] && typeof (line[0] as Json).expression === 'string') {
            uses.push(...fromSearch((line[0] as Json).expression, where));
          }
        }
      });
    }
  }
  return uses;
}

/** A metric series somebody emits: name, unit and dimension names. */
export interface EmittedSeries {
  metricName: string;
  unit: string;
  dimensionNames: string[];
}

export const dimsKey = (names: string[]) => [...names].sort().join(',');

/**
 * The problems with the uses of our namespace: a name nobody emits, a dimension set it is not
 * emitted under, a unit that differs, a service value that is not the configured one.
 */
export function contractProblems(
  uses: MetricUse[],
  emitted: EmittedSeries[],
  namespace: string,
  service: string,
): string[] {
  const problems: string[] = [];
  for (const use of uses.filter((u) => u.namespace === namespace)) {
    const candidates = emitted.filter((e) => e.metricName === use.metricName);
    if (candidates.length === 0) {
      problems.push(`${use.where}: nobody emits ${use.metricName}`);
      continue;
    }
    const match = candidates.find((e) => dimsKey(e.dimensionNames) === dimsKey(Object.keys(use.dimensions)));
    if (!match) {
      problems.push(
        `${use.where}: ${use.metricName} is not emitted under [${dimsKey(Object.keys(use.dimensions))}]`,
      );
      continue;
    }
    if (use.unit !== undefined && use.unit !== match.unit) {
      problems.push(`${use.where}: ${use.metricName} unit ${use.unit}, emitted as ${match.unit}`);
    }
    const svc = use.dimensions.service;
    if (svc !== undefined && svc !== service)
      problems.push(`${use.where}: service "${svc}" is not "${service}"`);
  }
  return problems;
}

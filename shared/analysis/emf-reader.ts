import { isObject } from '../json';
/** One metric series as CloudWatch would store it: namespace, name, dimensions, raw values. */
export interface EmfSeries {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  values: number[];
}

/** A stable key for a series: namespace, metric name and its sorted dimension pairs. */
export function seriesKey(namespace: string, name: string, dimensions: Record<string, string>): string {
  const dims = Object.keys(dimensions)
    .sort()
    .map((k) => `${k}=${dimensions[k]}`)
    .join(',');
  return `${namespace}|${name}|${dims}`;
}

/**
 * Reads EMF log lines the way CloudWatch extracts them: every directive × dimension set × metric
 * becomes a series that receives the line's value(s). Lines that are not EMF are ignored.
 */
export function readEmfSeries(lines: Iterable<string>): Map<string, EmfSeries> {
  const series = new Map<string, EmfSeries>();
  for (const line of lines) {
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isObject(doc) || !isObject(doc._aws) || !Array.isArray(doc._aws.CloudWatchMetrics)) continue;
    for (const directive of doc._aws.CloudWatchMetrics as unknown[]) {
      if (!isObject(directive) || !Array.isArray(directive.Dimensions) || !Array.isArray(directive.Metrics)) {
        continue;
      }
      const namespace = String(directive.Namespace);
      for (const set of directive.Dimensions as unknown[]) {
        if (!Array.isArray(set)) continue;
        const dimensions: Record<string, string> = {};
        for (const name of set) dimensions[String(name)] = String(doc[String(name)]);
        for (const metric of directive.Metrics as unknown[]) {
          if (!isObject(metric)) continue;
          const name = String(metric.Name);
          const raw = doc[name];
          const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
          const key = seriesKey(namespace, name, dimensions);
          let entry = series.get(key);
          if (!entry) {
            entry = { namespace, name, unit: String(metric.Unit ?? 'None'), dimensions, values: [] };
            series.set(key, entry);
          }
          for (const v of values) entry.values.push(v);
        }
      }
    }
  }
  return series;
}

import { isObject, type Json } from '../json';
import { tupleKey } from '../keys';

/** One metric series as CloudWatch would store it: namespace, name, dimensions, raw values. */
export interface EmfSeries {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  values: number[];
}

/**
 * A stable key for a series: namespace, metric name and its sorted dimension pairs, each part
 * length-prefixed (see `tupleKey`): joined with `k=v,`, a team value spelling out `x,service=…`
 * once matched another series.
 */
export function seriesKey(namespace: string, name: string, dimensions: Record<string, string>): string {
  let key = tupleKey(namespace, name);
  for (const k of Object.keys(dimensions).sort()) key += tupleKey(k, dimensions[k] as string);
  return key;
}

/**
 * What CloudWatch extracts from one EMF log line: every directive × dimension set × metric is a
 * series receiving the line's value(s) at its `Timestamp`. Undefined for a line that is not EMF.
 */
export function readEmfDocument(line: string): { timestampMs: number; series: EmfSeries[] } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return undefined;
  }
  return emfDocumentOf(doc);
}

/** {@link readEmfDocument} of a line already parsed. */
export function emfDocumentOf(doc: unknown): { timestampMs: number; series: EmfSeries[] } | undefined {
  if (!isObject(doc) || !isObject(doc._aws) || !Array.isArray(doc._aws.CloudWatchMetrics)) return undefined;
  const series: EmfSeries[] = [];
  for (const directive of doc._aws.CloudWatchMetrics as unknown[])
    pushDirectiveSeries(directive, doc, series);
  return { timestampMs: Number(doc._aws.Timestamp), series };
}

/** The series of one directive: each dimension set × metric, skipping malformed parts. */
function pushDirectiveSeries(directive: unknown, doc: Json, series: EmfSeries[]): void {
  if (!isObject(directive) || !Array.isArray(directive.Dimensions) || !Array.isArray(directive.Metrics))
    return;
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
      series.push({ namespace, name, unit: String(metric.Unit ?? 'None'), dimensions, values });
    }
  }
}

/**
 * Reads EMF log lines the way CloudWatch extracts them, merged per series. Lines that are not EMF
 * are ignored.
 */
export function readEmfSeries(lines: Iterable<string>): Map<string, EmfSeries> {
  const merged = new Map<string, EmfSeries>();
  for (const line of lines) {
    for (const s of readEmfDocument(line)?.series ?? []) {
      const key = seriesKey(s.namespace, s.name, s.dimensions);
      const entry = merged.get(key);
      if (entry) for (const v of s.values) entry.values.push(v);
      else merged.set(key, { ...s, values: [...s.values] });
    }
  }
  return merged;
}

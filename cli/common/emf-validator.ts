import {
  DIMENSION_VALUE_MAX_LENGTH,
  EMF_MAX_DIMENSIONS_PER_SET,
  EMF_MAX_DOCUMENT_BYTES,
  EMF_MAX_METRICS_PER_DIRECTIVE,
  EMF_MAX_VALUES_PER_METRIC,
  isCloudWatchValue,
} from '../../shared/contract/limits';

/** Units CloudWatch accepts (PutMetricData's StandardUnit). */
const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

/**
 * Checks one EMF line against the specification and its limits; returns the problems found
 * (empty when valid), including CloudWatch's value range (a magnitude from 8.515920e-109 to
 * 1.174271e+108, or 0). Stricter than CloudWatch where we promise more: no negative values.
 */
export function emfProblems(line: string, parsed?: { doc: unknown }): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(line) > EMF_MAX_DOCUMENT_BYTES)
    problems.push(`document is ${Buffer.byteLength(line)} bytes`);
  let doc: Record<string, unknown>;
  try {
    // A caller that parsed the line already passes what JSON.parse gave.
    doc = (parsed ? parsed.doc : JSON.parse(line)) as Record<string, unknown>;
  } catch {
    return ['not JSON'];
  }
  if (typeof doc !== 'object' || doc === null) return ['no _aws object'];
  const aws = doc._aws as Record<string, unknown> | undefined;
  if (typeof aws !== 'object' || aws === null) return ['no _aws object'];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp) || aws.Timestamp < 0) {
    problems.push('_aws.Timestamp is not epoch milliseconds');
  }
  if (!Array.isArray(aws.CloudWatchMetrics) || aws.CloudWatchMetrics.length === 0) {
    return [...problems, 'no CloudWatchMetrics directives'];
  }
  for (const directive of aws.CloudWatchMetrics as Record<string, unknown>[]) {
    directiveProblems(directive, doc, problems);
  }
  return problems;
}

/** One `CloudWatchMetrics` directive: namespace, dimension sets and metrics. */
function directiveProblems(
  directive: Record<string, unknown>,
  doc: Record<string, unknown>,
  problems: string[],
): void {
  if (typeof directive.Namespace !== 'string' || !/^[^:].{0,254}$/.test(directive.Namespace)) {
    problems.push('Namespace is missing or invalid');
  }
  if (!Array.isArray(directive.Dimensions)) problems.push('Dimensions is not an array');
  for (const set of (directive.Dimensions as unknown[]) ?? []) dimensionSetProblems(set, doc, problems);
  const metrics = directive.Metrics as Record<string, unknown>[];
  if (!Array.isArray(metrics)) {
    problems.push('Metrics is not an array');
    return;
  }
  if (metrics.length > EMF_MAX_METRICS_PER_DIRECTIVE)
    problems.push(`${metrics.length} metrics in a directive`);
  for (const metric of metrics) metricProblems(metric, doc, problems);
}

/** One dimension set: its size, and a 1-1024 printable ASCII string value for each name. */
function dimensionSetProblems(set: unknown, doc: Record<string, unknown>, problems: string[]): void {
  if (!Array.isArray(set)) {
    problems.push('a dimension set is not an array');
    return;
  }
  if (set.length > EMF_MAX_DIMENSIONS_PER_SET) problems.push(`a dimension set has ${set.length} dimensions`);
  for (const name of set) {
    const value = doc[name as string];
    if (typeof value !== 'string') problems.push(`dimension ${name} has no string value`);
    else if (
      value.length === 0 ||
      value.length > DIMENSION_VALUE_MAX_LENGTH ||
      !/^[\x20-\x7e]+$/.test(value)
    ) {
      problems.push(`dimension ${name} value is not 1-1024 printable ASCII`);
    }
  }
}

/** One metric definition: name, unit, and its value or values in the document. */
function metricProblems(
  metric: Record<string, unknown>,
  doc: Record<string, unknown>,
  problems: string[],
): void {
  const name = metric.Name as string;
  if (typeof name !== 'string' || name.length === 0 || name.length > 1024)
    problems.push('metric without a name');
  if (metric.Unit !== undefined && !UNITS.has(metric.Unit as string))
    problems.push(`${name}: unit ${metric.Unit}`);
  const value = doc[name];
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && (value.length === 0 || value.length > EMF_MAX_VALUES_PER_METRIC)) {
    problems.push(`${name}: ${value.length} values`);
  }
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${name}: bad value ${v}`);
    else if (!isCloudWatchValue(v)) problems.push(`${name}: value ${v} is outside CloudWatch's range`);
  }
}

/**
 * The AWS/Bedrock runtime metrics a minute of calls would produce, derived from the same buckets
 * the ingest function aggregates: the simulator files them in its store so that alarms and widgets
 * of the `essential` metric set, which read AWS/Bedrock per `ModelId`, can be evaluated locally.
 *
 * What differs from the real thing: AWS measures latency inside the service and stamps each data
 * point at request time, while these come from the invocation logs (the record's own latency and
 * timestamp). As the Bedrock user guide defines them ("Monitor bedrock-runtime inference using
 * CloudWatch metrics": `Invocations` is the number of successful requests; "throttled requests and
 * other invocation errors don't count as either Invocations or Errors"), `Invocations` here is the
 * calls that succeeded, and throttles, client errors (the 4xx classes: validation, auth, model,
 * timeout) and server errors (the 5xx ones) are each only in their own series.
 */
import type { ErrorClass } from '../contract/error-classes';
import { AWS_BEDROCK_DIMENSION, AWS_BEDROCK_METRIC, AWS_BEDROCK_NAMESPACE } from '../contract/metrics';
import type { ModelMinuteBucket } from '../ingest/7-aggregate';

export interface DerivedSeries {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  unit: string;
  values: number[];
}

const CLIENT: readonly ErrorClass[] = ['Validation', 'Auth', 'Model', 'Timeout'];

/**
 * The AWS/Bedrock series of one model's minute; counts of 0 are left out (AWS publishes no point).
 * @example awsBedrockSeries(bucket).find((s) => s.name === 'InvocationThrottles')?.values // [3]
 */
export function awsBedrockSeries(bucket: ModelMinuteBucket): DerivedSeries[] {
  const dimensions = { [AWS_BEDROCK_DIMENSION]: bucket.modelId };
  const out: DerivedSeries[] = [];
  const count = (name: string, value: number) => {
    if (value > 0)
      out.push({ namespace: AWS_BEDROCK_NAMESPACE, name, dimensions, unit: 'Count', values: [value] });
  };
  const raw = (name: string, values: readonly number[]) => {
    if (values.length > 0)
      out.push({
        namespace: AWS_BEDROCK_NAMESPACE,
        name,
        dimensions,
        unit: 'Milliseconds',
        values: [...values],
      });
  };
  const e = bucket.errors;
  const clientErrors = CLIENT.reduce((sum, c) => sum + e[c], 0);
  count(AWS_BEDROCK_METRIC.invocations, bucket.invocations - e.Throttling - clientErrors - e.Server);
  count(AWS_BEDROCK_METRIC.throttles, e.Throttling);
  count(AWS_BEDROCK_METRIC.clientErrors, clientErrors);
  count(AWS_BEDROCK_METRIC.serverErrors, e.Server);
  count(AWS_BEDROCK_METRIC.inputTokens, bucket.inputTokens);
  count(AWS_BEDROCK_METRIC.outputTokens, bucket.outputTokens);
  count(AWS_BEDROCK_METRIC.cacheReadInputTokens, bucket.cacheReadInputTokens);
  count(AWS_BEDROCK_METRIC.cacheWriteInputTokens, bucket.cacheWriteInputTokens);
  raw(AWS_BEDROCK_METRIC.latency, bucket.latencyMs);
  raw(AWS_BEDROCK_METRIC.timeToFirstToken, bucket.timeToFirstTokenMs);
  return out;
}

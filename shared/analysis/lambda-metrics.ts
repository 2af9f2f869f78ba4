/**
 * The AWS/Lambda metrics one run of a scheduled function produces, for the simulator to file next
 * to what the run published, so the scheduled-function alarms (shared/monitoring/alarms/scheduled.ts)
 * are evaluated like the others. As the Lambda developer guide defines them ("Types of metrics for
 * Lambda functions"): `Invocations` counts every invocation, failed ones included; `Errors` the
 * invocations that ended in a function error ("binary indicators": 1 for a failed run, 0 here for a
 * good one; the errors alarms treat a missing point as not breaching, so a 0 and no point read the
 * same). Nothing is published for a period without invocations.
 */
import type { DerivedSeries } from './bedrock-metrics';

export const AWS_LAMBDA_NAMESPACE = 'AWS/Lambda';

/**
 * From a run to its AWS/Lambda points being visible to alarms. Lambda sends them as the invocation
 * ends; a minute, as for the runs' own EMF figures (cli/simulate/hourly.ts).
 */
export const LAMBDA_METRICS_LAG_MS = 60_000;

/**
 * The AWS/Lambda series of one invocation of `functionName`.
 * @example lambdaRunSeries('bw-monthToDate', true).map((s) => [s.name, s.values[0]]) // [['Invocations', 1], ['Errors', 1]]
 */
export function lambdaRunSeries(functionName: string, failed: boolean): DerivedSeries[] {
  const dimensions = { FunctionName: functionName };
  return [
    { namespace: AWS_LAMBDA_NAMESPACE, name: 'Invocations', dimensions, unit: 'Count', values: [1] },
    { namespace: AWS_LAMBDA_NAMESPACE, name: 'Errors', dimensions, unit: 'Count', values: [failed ? 1 : 0] },
  ];
}

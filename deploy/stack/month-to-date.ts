import { functionRole, type Resources } from './cfn';
import type { IngestNames } from './names';

/** The month-to-date function's role: it only reads cost metrics. */
export function monthToDateResources(names: IngestNames): Resources {
  return {
    MonthToDateRole: functionRole('read-cost-metrics', names.monthToDateLogGroupName, [
      // GetMetricData has no resource type: IAM accepts only "*" here.
      { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
    ]),
  };
}

import { functionRole, type Resources } from './cfn';
import type { IngestNames } from './names';

/**
 * The reconcile function's role: it reads bedrock-watch's own cost metric and the day's Bedrock
 * cost from Cost Explorer, nothing else. Both actions have no resource type, so IAM accepts only
 * "*" for them: ce:GetCostAndUsage is the one "*" this stack adds, and Cost Explorer reads only
 * (costs, no resources or data of the account's applications).
 */
export function reconcileResources(names: IngestNames): Resources {
  return {
    ReconcileRole: functionRole('reconcile-with-the-bill', names.reconcileLogGroupName, [
      { Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
      { Effect: 'Allow', Action: ['ce:GetCostAndUsage'], Resource: '*' },
    ]),
  };
}

/**
 * Dashboard definitions (shared/monitoring/dashboards/) as CloudWatch dashboards, each with its
 * console URL as an output.
 */

import type { AlarmDefinition } from '../../shared/monitoring/alarms/index';
import { buildDashboards } from '../../shared/monitoring/dashboards/index';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { logicalId, type Output, type Resources, sub } from './cfn';
import type { IngestNames } from './names';

/** The dashboards and their URLs. */
export function dashboards(
  params: StackParameters,
  names: IngestNames,
  alarms: AlarmDefinition[],
): { resources: Resources; outputs: Record<string, Output> } {
  const resources: Resources = {};
  const outputs: Record<string, Output> = {};
  for (const dashboard of buildDashboards(params, names, alarms)) {
    const id = logicalId('Dashboard', dashboard.key);
    resources[id] = {
      Type: 'AWS::CloudWatch::Dashboard',
      // Fn::Sub fills in the region and account the bodies refer to.
      Properties: { DashboardName: dashboard.name, DashboardBody: sub(JSON.stringify(dashboard.body)) },
    };
    outputs[`${id}Url`] = {
      Description: `CloudWatch dashboard: ${dashboard.key}`,
      Value: sub(
        `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=${dashboard.name}`,
      ),
    };
  }
  return { resources, outputs };
}

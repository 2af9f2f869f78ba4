/**
 * Dashboard definitions (shared/monitoring/dashboards/) as CloudWatch dashboards, each with its
 * console URL as an output.
 */

import type { AlarmDefinition } from '../../shared/monitoring/alarms/index';
import { buildDashboards } from '../../shared/monitoring/dashboards/index';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { logicalId, type Output, type Resources, sub } from './cfn';
import type { IngestNames } from './names';

/** The template mapping of each partition's console host. */
export const CONSOLE_MAPPING = 'PartitionConsole';

/**
 * The console host by AWS::Partition: a link to console.aws.amazon.com opens nothing for an
 * account in China or GovCloud (the notifier's links use the same hosts: shared/alerts/view.ts).
 */
export const consoleMappings = () => ({
  [CONSOLE_MAPPING]: {
    aws: { Host: 'console.aws.amazon.com' },
    'aws-cn': { Host: 'console.amazonaws.cn' },
    'aws-us-gov': { Host: 'console.amazonaws-us-gov.com' },
  },
});

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
      // Fn::Sub fills in the region the name carries and the region and account the bodies refer to.
      Properties: { DashboardName: sub(dashboard.name), DashboardBody: sub(JSON.stringify(dashboard.body)) },
    };
    outputs[`${id}Url`] = {
      Description: `CloudWatch dashboard: ${dashboard.key}`,
      Value: {
        'Fn::Sub': [
          `https://\${AWS::Region}.\${ConsoleHost}/cloudwatch/home?region=\${AWS::Region}#dashboards:name=${dashboard.name}`,
          { ConsoleHost: { 'Fn::FindInMap': [CONSOLE_MAPPING, { Ref: 'AWS::Partition' }, 'Host'] } },
        ],
      },
    };
  }
  return { resources, outputs };
}

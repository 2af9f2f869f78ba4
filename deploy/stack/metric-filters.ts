/**
 * Metrics read straight from the invocation log group, for signals the ingest function does not
 * count itself.
 */

import { INVOCATION_SCHEMA_TYPE } from '../../shared/contract/bedrock-logs';
import { FILTER_METRICS } from '../../shared/contract/metrics';
import type { StackParameters } from '../../shared/monitoring/parameters';
import type { Resource, Resources } from './cfn';
import { dependsOnLogGroup, type InvocationLogGroup } from './invocation-logging';

/** A filter counting, per model, the invocation records that match `condition`. */
function countPerModel(
  params: StackParameters,
  group: InvocationLogGroup,
  condition: string,
  metricName: string,
): Resource {
  return {
    Type: 'AWS::Logs::MetricFilter',
    DependsOn: dependsOnLogGroup(group),
    Properties: {
      LogGroupName: group.name,
      FilterPattern: `{ $.schemaType = "${INVOCATION_SCHEMA_TYPE}" && ${condition} }`,
      MetricTransformations: [
        {
          MetricNamespace: params.metricsNamespace,
          MetricName: metricName,
          MetricValue: '1',
          Unit: 'Count',
          Dimensions: [{ Key: 'ModelId', Value: '$.modelId' }],
        },
      ],
    },
  };
}

/** The metric filters on the invocation log group. */
export function metricFilterResources(params: StackParameters, group: InvocationLogGroup): Resources {
  return {
    HighOutputTokensFilter: countPerModel(
      params,
      group,
      `$.output.outputTokenCount > ${params.highOutputTokens}`,
      FILTER_METRICS.highOutputTokenRequests,
    ),
    AccessDeniedFilter: countPerModel(
      params,
      group,
      '$.errorCode = "AccessDeniedException"',
      FILTER_METRICS.accessDeniedCalls,
    ),
  };
}

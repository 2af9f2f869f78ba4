/**
 * Contributor Insights rules and Logs Insights saved queries (shared/monitoring/insights.ts) as
 * CloudFormation: the rules read the attribution lines in the ingest function's log group, which
 * the framework creates (IngestLogGroup), so they wait for it.
 */

import { buildInsightRules, buildQueryDefinitions } from '../../shared/monitoring/insights';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { logicalId, type Resources } from './cfn';
import type { IngestNames } from './names';

/** The logical id the framework gives the ingest function's log group. */
const INGEST_LOG_GROUP_ID = 'IngestLogGroup';

/** One InsightRule per attribution key and figure, one QueryDefinition per saved query. */
export function insightResources(params: StackParameters, names: IngestNames): Resources {
  const resources: Resources = {};
  for (const rule of buildInsightRules(params, names)) {
    resources[logicalId('InsightRule', rule.key)] = {
      Type: 'AWS::CloudWatch::InsightRule',
      DependsOn: [INGEST_LOG_GROUP_ID],
      Properties: { RuleName: rule.name, RuleState: 'ENABLED', RuleBody: JSON.stringify(rule.body) },
    };
  }
  for (const query of buildQueryDefinitions(params, names)) {
    resources[logicalId('QueryDefinition', query.key)] = {
      Type: 'AWS::Logs::QueryDefinition',
      DependsOn: [INGEST_LOG_GROUP_ID],
      Properties: { Name: query.name, QueryString: query.queryString, LogGroupNames: query.logGroupNames },
    };
  }
  return resources;
}

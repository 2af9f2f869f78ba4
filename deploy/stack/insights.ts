/**
 * Contributor Insights rules and Logs Insights saved queries (shared/monitoring/insights.ts) as
 * CloudFormation: the rules read the attribution lines in the ingest function's log group, which
 * the framework creates (IngestLogGroup), so they wait for it.
 */

import { buildInsightRules, buildQueryDefinitions } from '../../shared/monitoring/insights';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { logicalId, type Resources } from './cfn';
import { StackLimitError } from './limits';
import type { IngestNames } from './names';

/** The logical id the framework gives the ingest function's log group. */
const INGEST_LOG_GROUP_ID = 'IngestLogGroup';

/**
 * CloudWatch: at most 100 Contributor Insights rules per region and account (Service Quotas), rules
 * outside this stack included; more fail the deploy part way.
 */
export const INSIGHT_RULES_MAX = 100;

/**
 * One InsightRule per attribution key and figure, one QueryDefinition per saved query.
 * @throws StackLimitError when the rules alone would pass CloudWatch's rules per region.
 */
export function insightResources(params: StackParameters, names: IngestNames): Resources {
  const resources: Resources = {};
  const rules = buildInsightRules(params, names);
  if (rules.length > INSIGHT_RULES_MAX) {
    const perKey = rules.length / params.attributionKeys.length;
    throw new StackLimitError(
      `attributionKeys: ${params.attributionKeys.length} keys make ${rules.length} Contributor Insights rules, over CloudWatch's ${INSIGHT_RULES_MAX} per region (rules outside this stack count too): use at most ${Math.floor(INSIGHT_RULES_MAX / perKey)} keys`,
    );
  }
  for (const rule of rules) {
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

/** `INSIGHT_RULE_METRIC('<rule name>', …)` in an alarm's metric expression. */
const RULE_IN_EXPRESSION = /INSIGHT_RULE_METRIC\('([^']+)'/g;

/**
 * The alarms that read a rule's metric wait for the rule: CloudWatch refuses an alarm on a rule
 * that does not exist yet, and nothing else orders them.
 */
export function withRuleDependencies(
  alarms: Resources,
  params: StackParameters,
  names: IngestNames,
): Resources {
  const ruleIds = new Map(
    buildInsightRules(params, names).map((r) => [r.name, logicalId('InsightRule', r.key)]),
  );
  const out: Resources = {};
  for (const [id, alarm] of Object.entries(alarms)) {
    const expressions = JSON.stringify(alarm.Properties?.Metrics ?? []);
    const needs = [...expressions.matchAll(RULE_IN_EXPRESSION)].flatMap((m) => {
      const ruleId = ruleIds.get(m[1] as string);
      return ruleId ? [ruleId] : [];
    });
    out[id] =
      needs.length > 0
        ? { ...alarm, DependsOn: [...new Set([...(alarm.DependsOn ?? []), ...needs])] }
        : alarm;
  }
  return out;
}

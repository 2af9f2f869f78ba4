/**
 * Attribution answered by CloudWatch features that bill per rule or per query, not per value:
 * Contributor Insights rules over the attribution lines the ingest function writes into its own
 * log group (top-N per attribution key by cost, tokens, calls, errors), and Logs Insights saved
 * queries for drill-down. Plain data, read by deploy/ (resources), the dashboards (widgets), the
 * alarm definitions (the top-contributor alarm), the simulator and the bill estimator.
 */

import { insightRuleName, type RuleFigure } from '../alerts/contributors';
import {
  ATTRIBUTION_RECORD,
  ATTRIBUTION_RECORD_FIELD,
  DIM_MODEL_ID,
  METRIC,
  type MetricSet,
} from '../contract/metrics';
import { dimensionNameOf, MODEL_FREE_DIMENSIONS } from '../ingest/6-attribute';
import type { StackParameters } from './parameters';

/** What a rule ranks contributors by; each is a field of the attribution line. */
export type InsightFigure = RuleFigure;

/** The attribution line's field each figure sums (`Tokens` = input + output tokens). */
export const INSIGHT_FIELD: Record<InsightFigure, string> = {
  cost: METRIC.cost.name,
  tokens: 'Tokens',
  calls: METRIC.invocations.name,
  errors: METRIC.errors.name,
};

/**
 * The figures each metric set ranks by. `essential` keeps the two the top-contributor alarm reads
 * (cost, tokens): every rule bills a month, whatever the traffic; calls and errors per value are
 * one saved query away.
 */
export const INSIGHT_FIGURES: Record<MetricSet, readonly InsightFigure[]> = {
  complete: ['cost', 'tokens', 'calls', 'errors'],
  essential: ['cost', 'tokens'],
};

export interface InsightRuleDefinition {
  /** Stable, unique within the stack: the logical id's source. */
  key: string;
  /** The rule name (what INSIGHT_RULE_METRIC and the dashboards name). */
  name: string;
  /** The attribution key (`team`, `caller`) and the line's field that holds its value. */
  attributionKey: string;
  keyField: string;
  figure: InsightFigure;
  valueField: string;
  /** The rule body, as CloudFormation's RuleBody takes it (JSON). */
  body: Record<string, unknown>;
}

/** What the alarms and widgets need to know about the stack's names. */
export interface InsightContext {
  namePrefix: string;
  ingestLogGroupName: string;
}

/**
 * One rule per attribution key and figure of the metric set, in key then figure order; none
 * without attribution.
 * @example buildInsightRules(parseStackParameters({ attributionKeys: 'team' }), ctx).map((r) => r.key) // ['team-cost', 'team-tokens', 'team-calls', 'team-errors']
 */
export function buildInsightRules(params: StackParameters, ctx: InsightContext): InsightRuleDefinition[] {
  return params.attributionKeys.flatMap((attributionKey) =>
    INSIGHT_FIGURES[params.metricSet].map((figure) => {
      const keyField = dimensionNameOf(attributionKey);
      const valueField = INSIGHT_FIELD[figure];
      const token = attributionKey.replace(/[^A-Za-z0-9]+/g, '-');
      return {
        key: `${token}-${figure}`,
        name: insightRuleName(ctx.namePrefix, attributionKey, figure),
        attributionKey,
        keyField,
        figure,
        valueField,
        body: {
          Schema: { Name: 'CloudWatchLogRule', Version: 1 },
          LogGroupNames: [ctx.ingestLogGroupName],
          LogFormat: 'JSON',
          Contribution: {
            Keys: [`$.${keyField}`],
            ValueOf: `$.${valueField}`,
            Filters: [
              { Match: `$.${ATTRIBUTION_RECORD_FIELD}`, In: [ATTRIBUTION_RECORD] },
              { Match: `$.${keyField}`, IsPresent: true },
              { Match: `$.${valueField}`, IsPresent: true },
            ],
          },
          AggregateOn: 'Sum',
        },
      };
    }),
  );
}

/**
 * What a rule counts for one log line: the contributor and its value, or undefined when the line
 * does not match (the simulator and the bill estimator apply the rules as CloudWatch would).
 */
export function contributionOf(
  rule: InsightRuleDefinition,
  line: Record<string, unknown>,
): { contributor: string; value: number } | undefined {
  if (line[ATTRIBUTION_RECORD_FIELD] !== ATTRIBUTION_RECORD) return undefined;
  const contributor = line[rule.keyField];
  const value = line[rule.valueField];
  if (typeof contributor !== 'string' || typeof value !== 'number') return undefined;
  return { contributor, value };
}

export interface QueryDefinition {
  key: string;
  name: string;
  queryString: string;
  logGroupNames: string[];
}

const LINES = `filter ${ATTRIBUTION_RECORD_FIELD} = "${ATTRIBUTION_RECORD}"`;

/**
 * Logs Insights saved queries over the attribution lines (they bill per GB scanned when someone
 * runs them; no function runs them): cost, tokens and calls per value and per value × model, and
 * latency percentiles (of the per-minute lines' values) per value and model.
 */
export function buildQueryDefinitions(params: StackParameters, ctx: InsightContext): QueryDefinition[] {
  return params.attributionKeys.flatMap((attributionKey) => {
    const field = dimensionNameOf(attributionKey);
    const token = attributionKey.replace(/[^A-Za-z0-9]+/g, '-');
    const folder = `${ctx.namePrefix}`;
    // Account and region lines sum every model (MODEL_FREE_DIMENSIONS): no query per model for them.
    const perModel = !MODEL_FREE_DIMENSIONS.has(field);
    const by = perModel ? `${field}, ${DIM_MODEL_ID}` : field;
    const andModel = perModel ? ' and model' : '';
    const queries: QueryDefinition[] = [
      {
        key: `${token}-cost`,
        name: `${folder}/cost and tokens per ${attributionKey}`,
        queryString: [
          LINES,
          `| filter ispresent(${field})`,
          `| stats sum(${METRIC.cost.name}) as costUsd, sum(${METRIC.invocations.name}) as calls, sum(${METRIC.errors.name}) as errors, sum(Tokens) as tokens by ${field}`,
          '| sort costUsd desc',
        ].join('\n'),
        logGroupNames: [ctx.ingestLogGroupName],
      },
      {
        key: `${token}-latency`,
        name: `${folder}/latency percentiles per ${attributionKey}${andModel}`,
        queryString: [
          LINES,
          `| filter ispresent(${field}) and ispresent(LatencyP95)`,
          `| stats pct(LatencyP50, 50) as p50ofMinutes, pct(LatencyP95, 95) as p95ofMinutes, max(LatencyMax) as maxMs, sum(${METRIC.invocations.name}) as calls by ${by}`,
          '| sort p95ofMinutes desc',
        ].join('\n'),
        logGroupNames: [ctx.ingestLogGroupName],
      },
    ];
    if (perModel)
      queries.splice(1, 0, {
        key: `${token}-model-cost`,
        name: `${folder}/cost per ${attributionKey} and model`,
        queryString: [
          LINES,
          `| filter ispresent(${field})`,
          `| stats sum(${METRIC.cost.name}) as costUsd, sum(${METRIC.invocations.name}) as calls, sum(Tokens) as tokens by ${field}, ${DIM_MODEL_ID}`,
          '| sort costUsd desc',
        ].join('\n'),
        logGroupNames: [ctx.ingestLogGroupName],
      });
    return queries;
  });
}

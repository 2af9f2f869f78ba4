/**
 * The bench's lines for one metric set's monthly bill: one total (the reference month), its parts,
 * and attribution's part of that total at 20 and at 200 teams. The 200-team month's own total is
 * not printed: it differs in parts attribution does not touch (the traffic is spread over other
 * models), so a second total for the same month would only read as a contradiction.
 */
import type { BillEstimate } from './monthly-bill';

/** A metric set's bill with attribution's part (the bill with it on minus the bill with it off). */
export type BillWithAttribution = BillEstimate & { attributionUsd: { teams20: number; teams200: number } };

/** The report's lines for one metric set's bill, in USD as the estimator rounds them. */
export function billLines(name: string, e: BillWithAttribution, target: string): string {
  return [
    `  ${name}: $${e.totalUsd} (target ${target}; $${e.totalWithoutFreeTierUsd} without the free tier)`,
    `    ${e.distinctSeries} metric series (${e.seriesByKind.model} model, ${e.seriesByKind.attribution} attribution, ${e.seriesByKind.health} health, ${e.seriesByKind.hourly} hourly), ${e.alarmMetrics} alarm metrics, ${e.compositeAlarms} composite, ${e.dashboards} dashboards, ${e.insightRules} Contributor Insights rules (${(e.insightMatchedEventsPerMonth / 1e6).toFixed(1)}M matched events), ${e.savedQueries} saved queries`,
    `    parts: ${Object.entries(e.parts)
      .map(([k, v]) => `${k} $${v}`)
      .join(', ')}`,
    `    of which attribution: $${e.attributionUsd.teams20} (20 teams); with 200 teams its part is $${e.attributionUsd.teams200}`,
  ].join('\n');
}

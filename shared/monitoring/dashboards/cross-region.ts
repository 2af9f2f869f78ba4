import { DIM_SERVICE, ERROR_METRICS, METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { type DashboardDefinition, Grid, type StackNames } from './grid';
import { dashboardName } from './names';

/**
 * The cross-region dashboard (`<prefix>-regions`): calls, throttles, p95 latency and cost with one
 * line per region of `dashboardRegions`; undefined when that parameter is empty.
 */
export function crossRegionDashboard(
  params: StackParameters,
  ctx: StackNames,
): DashboardDefinition | undefined {
  if (params.dashboardRegions.length === 0) return undefined;
  const ns = params.metricsNamespace;
  const svc = [DIM_SERVICE, params.serviceName];
  const g = new Grid();
  g.text(
    `# ${params.serviceName}: regions side by side\nEach line is one region's all-models series (${params.dashboardRegions.join(', ')}); deploy the stack in each region.`,
  );
  const perRegion = (metric: string, stat: string) =>
    params.dashboardRegions.map((region) => [ns, metric, ...svc, { stat, region, label: region }]);
  g.chart(METRIC.invocations.name, perRegion(METRIC.invocations.name, 'Sum'), { period: 300 });
  g.chart('Throttled calls', perRegion(ERROR_METRICS.Throttling.name, 'Sum'), { period: 300 });
  g.chart('p95 latency (ms)', perRegion(METRIC.latency.name, 'p95'), { period: 300 });
  g.chart('Cost per hour (USD)', perRegion(METRIC.cost.name, 'Sum'), { period: 3600 });
  return {
    key: 'cross-region',
    name: dashboardName(ctx.namePrefix, 'regions'),
    body: { widgets: g.widgets },
  };
}

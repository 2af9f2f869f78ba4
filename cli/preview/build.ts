/**
 * The dashboard preview as a library: simulates the inputs (the same run as the alarm simulator),
 * then computes every widget of every dashboard the stack would deploy from the same dashboard
 * definitions, ready for the HTML writer. The CLI is cli/preview/command.ts.
 */
import { buildDashboards, dashboardNameIn } from '../../shared/monitoring/dashboards';
import { widgetData } from '../../shared/preview/widget-data';
import { derivable, runSimulation, type SimulateOptions } from '../simulate/run';
import type { PreviewPage } from './html';

/** The region the replayed logs stand for when a dashboard compares regions. */
export const DEFAULT_PREVIEW_REGION = 'us-east-1';

/**
 * Everything the preview page shows.
 * @throws ReplayInputError, ConfigError as runSimulation does.
 */
export async function buildPreview(
  options: SimulateOptions,
  rawParams: Record<string, string>,
  region = DEFAULT_PREVIEW_REGION,
): Promise<PreviewPage> {
  const result = await runSimulation({ ...options, weeklyAdvisor: true });
  const isDerivable = derivable(options.params, result.names);
  const ctx = {
    store: result.store,
    timelines: result.timelines,
    fromMs: result.fromMs,
    toMs: result.toMs,
    region,
    isDerivable: (namespace: string, metricName: string, dimensions: Record<string, string>) =>
      isDerivable({ namespace, metricName, dimensions, stat: 'Sum', period: 60 }),
  };
  return {
    inputs: options.paths,
    fromMs: result.fromMs,
    toMs: result.toMs,
    params: rawParams,
    deliveryLagSeconds: options.deliveryLagSeconds,
    dashboards: buildDashboards(options.params, result.names, result.definitions).map((d) => ({
      key: d.key,
      // The name the dashboard has in this region, as deployed.
      name: dashboardNameIn(d.name, region),
      widgets: d.body.widgets.map((widget) => ({ widget, data: widgetData(widget, ctx) })),
    })),
  };
}

/**
 * Dashboard definitions as plain data, built from the metric contract and the stack parameters.
 * `${AWS::Region}` and `${AWS::AccountId}` stay as placeholders: deploy/ wraps each body in
 * Fn::Sub, so one definition serves every account and region. One file per dashboard.
 */
import type { AlarmDefinition } from '../alarms/types';
import type { StackParameters } from '../parameters';
import { markAccountLocal } from './account-local';
import { crossRegionDashboard } from './cross-region';
import { executiveDashboard } from './executive';
import type { DashboardDefinition, StackNames } from './grid';
import { modelComparisonDashboard } from './model-comparison';
import { operationsDashboard } from './operations';
import { organizationDashboard } from './organization';

export type { DashboardDefinition, ExpressionLine, MetricLine, StackNames, Widget } from './grid';
export { ACCOUNT, PARTITION, REGION } from './grid';
export { dashboardName, dashboardNameIn, SETTINGS_REGION } from './names';

/**
 * Every dashboard of the stack: operations, model comparison, executive, cross-region when
 * `dashboardRegions` is set, and organization when `attributionKeys` lists `account`. `alarms` feeds the executive view's alarm-status widget.
 * In an organization's central monitor, widgets that read AWS/Bedrock say they count this account only.
 * @example buildDashboards(params, ctx, alarms).map((d) => d.key) // ['operations', 'model-comparison', 'executive']
 */
export function buildDashboards(
  params: StackParameters,
  ctx: StackNames,
  alarms: AlarmDefinition[],
): DashboardDefinition[] {
  const dashboards = [
    operationsDashboard(params, ctx),
    modelComparisonDashboard(params, ctx),
    executiveDashboard(params, ctx, alarms),
    crossRegionDashboard(params, ctx),
    organizationDashboard(params, ctx),
  ].filter((d): d is DashboardDefinition => d !== undefined);
  return markAccountLocal(dashboards, params.organizationId !== '');
}

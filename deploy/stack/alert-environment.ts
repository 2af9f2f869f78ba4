/**
 * The environment of the functions that alerting adds to or extends: the month-to-date function's
 * budget and token-spike scopes, the notifier's settings, the failover switch's path. Function-level
 * (deploy/stack/environment.ts adds them to those functions only), so the others do not carry them.
 */
import { HOURLY_ENV } from '../../shared/alerts/hourly-settings';
import { NOTIFIER_ENV } from '../../shared/alerts/notifier-config';
import { buildAlarmDefinitions } from '../../shared/monitoring/alarms/index';
import { hourlySettings, notifierEnabled } from '../../shared/monitoring/alerting';
import { buildDashboards, dashboardNameIn, SETTINGS_REGION } from '../../shared/monitoring/dashboards/index';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { ingestNames, type StackContext } from './names';
import { notifierSettings } from './notifier';
import { failoverPrefix } from './remediation';

/** Lambda allows 4 KB of environment per function; leave room for the shared variables. */
const MAX_ALERT_VARIABLE_BYTES = 2048;

/** A variable too large for Lambda's 4 KB environment: fewer budgets or targets, or shorter names. */
export class AlertEnvironmentError extends Error {
  override readonly name = 'AlertEnvironmentError';
}

function variable(name: string, value: unknown): Record<string, string> {
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text) > MAX_ALERT_VARIABLE_BYTES)
    throw new AlertEnvironmentError(
      `${name} would be ${Buffer.byteLength(text)} bytes, over ${MAX_ALERT_VARIABLE_BYTES}`,
    );
  return { [name]: text };
}

/**
 * Per function, the variables alerting adds.
 * @throws AlertEnvironmentError when a variable would not fit Lambda's environment.
 */
export function alertEnvironments(params: StackParameters, ctx: StackContext) {
  const names = ingestNames(ctx);
  const hourly = hourlySettings(params);
  const dashboards = Object.fromEntries(
    buildDashboards(params, names, buildAlarmDefinitions(params, names))
      .filter((d) => ['operations', 'model-comparison', 'executive'].includes(d.key))
      .map((d) => [d.key, dashboardNameIn(d.name, SETTINGS_REGION)]),
  );
  return {
    monthToDate: hourly ? variable(HOURLY_ENV, hourly) : {},
    notifier: notifierEnabled(params)
      ? variable(NOTIFIER_ENV, notifierSettings(params, names, dashboards))
      : {},
    failoverSwitch: { BEDROCK_WATCH_FAILOVER_PREFIX: failoverPrefix(ctx) },
    // The reconcile function's daily schedule runs only when billReconciliation is on.
    reconcile: { enabled: params.billReconciliation },
    // Roles by Fn::Sub: with a logical name the framework adds a DependsOn the Role attribute
    // already implies, which cfn-lint flags (W3005).
    roles: {
      notifier: { 'Fn::Sub': '${NotifierRole.Arn}' },
      failoverSwitch: { 'Fn::Sub': '${FailoverSwitchRole.Arn}' },
    },
  };
}

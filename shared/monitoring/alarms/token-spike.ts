/**
 * Token-spike alarms: tokens of the last settled hour against the same hour on the previous days,
 * for all models and each watched model, at +warning % and +critical %. The month-to-date function
 * computes both figures hourly with GetMetricData (metric math cannot shift time); a volume guard
 * keeps a quiet hour that doubles from paging.
 */
import { DIM_SERVICE, HOURLY_TOKENS } from '../../contract/metrics';
import { tokenSpikeScopes } from '../alerting';
import type { StackParameters } from '../parameters';
import { levels, ours, scopeToken } from './build';
import type { MetricAlarmDefinition, StackNames } from './types';

const HOUR = 3600;

/**
 * Per token-spike scope (all models, then each watched model), warning then critical.
 * @example tokenSpikeAlarms(parseStackParameters({ tokenSpikeAlarms: 'true' }), ctx).map((a) => a.key)
 * // ['token-spike-warning-all', 'token-spike-critical-all']
 */
export function tokenSpikeAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  const guard = params.tokenSpikeMinTokens;
  return tokenSpikeScopes(params).flatMap((scope) => {
    const token = scope.id === 'all' ? 'all' : scopeToken(scope.id);
    const label = scope.id === 'all' ? 'all models' : scope.id;
    const dims = { [DIM_SERVICE]: params.serviceName, ...scope.dimensions };
    return levels(params.tokenSpikeWarningPct, params.tokenSpikeCriticalPct).map(
      ([level, threshold]): MetricAlarmDefinition => ({
        kind: 'metric',
        key: `token-spike-${level}-${token}`,
        family: 'token-spike',
        scope: scope.id,
        name: `${ctx.namePrefix}-token-spike-${level}-${token}`,
        description: `Tokens of ${label} in the last hour more than ${threshold} % above the same hour of the previous ${params.tokenSpikeBaselineDays} days (baseline at least ${guard} tokens)`,
        level,
        queries: [
          {
            id: 'tok',
            metric: ours(params, HOURLY_TOKENS.lastHour, dims, 'Maximum', HOUR, 'Count'),
            returnData: false,
          },
          {
            id: 'base',
            metric: ours(params, HOURLY_TOKENS.baseline, dims, 'Maximum', HOUR, 'Count'),
            returnData: false,
          },
          {
            id: 'spike',
            expression: `IF(base >= ${guard}, 100 * (tok - base) / base, 0)`,
            label: 'tokens above baseline %',
            returnData: true,
          },
        ],
        comparison: 'GreaterThanThreshold',
        threshold,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: 'ignore',
        rationale: `Each hourly point is already an hour of traffic, so one decides; a missed run keeps the state (ignore). The guard (${guard} tokens of baseline) keeps a quiet hour that doubles from paging.`,
      }),
    );
  });
}

/**
 * The alerting families, composed: budgets (and their projections), token spikes, and the health of
 * the notifier that routes every alarm. Each is present only when its parameters ask for it.
 */
import { notifierEnabled, notifierFailureQueueName } from '../alerting';
import type { StackParameters } from '../parameters';
import { budgetFamilyAlarms } from './budget';
import { above, awsMetric, ONE_OF_ONE } from './build';
import { tokenSpikeAlarms } from './token-spike';
import { topContributorAlarms } from './top-contributor';
import type { MetricAlarmDefinition, StackNames } from './types';

/** Failed notifier invocations (after Lambda's retries) wait in its queue: someone may not have been told. */
function notifierFailures(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  if (!notifierEnabled(params)) return [];
  const queue = notifierFailureQueueName(ctx.namePrefix);
  return [
    above(ctx, {
      key: 'notifier-failures',
      family: 'notifier-failures',
      scope: 'pipeline',
      level: 'critical',
      description: `Alarm notifications the notifier could not deliver wait in ${queue}: a destination may not have been told`,
      queries: [
        {
          id: 'm',
          metric: awsMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: queue }, 'Maximum'),
          returnData: true,
        },
      ],
      threshold: 0,
      window: ONE_OF_ONE,
      rationale:
        'Critical: a lost page is what the notifier exists to prevent. Its own message still reaches every destination that works; SQS publishes nothing for an idle queue (notBreaching).',
    }),
  ];
}

/**
 * Budget and projection alarms, token-spike alarms, top-contributor alarms, and the notifier's
 * failure queue, in that order.
 * @example alertAlarms(parseStackParameters({ monthlyBudgetUsd: '1000' }), ctx)[0]?.key // 'budget-50-all'
 */
export function alertAlarms(params: StackParameters, ctx: StackNames): MetricAlarmDefinition[] {
  return [
    ...budgetFamilyAlarms(params, ctx),
    ...tokenSpikeAlarms(params, ctx),
    ...topContributorAlarms(params, ctx),
    ...notifierFailures(params, ctx),
  ];
}

/**
 * CloudWatch Logs takes at most two subscription filters per log group. A stack subscribing to a
 * group that already has two other subscribers would fail at its own filter with a bare
 * LimitExceededException; the custom resource looks first and fails with the reason and the way out.
 */
import {
  type CloudWatchLogsClient,
  DescribeSubscriptionFiltersCommand,
  type SubscriptionFilter,
} from '@aws-sdk/client-cloudwatch-logs';

/** CloudWatch Logs: subscription filters per log group. */
export const SUBSCRIPTION_FILTERS_MAX = 2;

/** The group has no room for the stack's subscription. */
export class SubscriptionRoomError extends Error {
  override readonly name = 'SubscriptionRoomError';
}

/**
 * Resolves when the stack's filter (to `destinationArn`) exists already or fits; the group not
 * existing yet (the stack creates it) leaves room.
 * @throws SubscriptionRoomError naming the filters already there.
 */
export async function checkSubscriptionRoom(
  logs: Pick<CloudWatchLogsClient, 'send'>,
  logGroupName: string,
  destinationArn: string,
  signal?: AbortSignal,
): Promise<void> {
  let filters: SubscriptionFilter[];
  try {
    const out = await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName }), {
      abortSignal: signal,
    });
    filters = out.subscriptionFilters ?? [];
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return;
    throw error;
  }
  if (filters.some((f) => f.destinationArn === destinationArn)) return;
  if (filters.length < SUBSCRIPTION_FILTERS_MAX) return;
  const others = filters.map((f) => `${f.filterName} (to ${f.destinationArn})`).join(', ');
  throw new SubscriptionRoomError(
    `log group ${logGroupName} already has ${filters.length} subscription filters, CloudWatch Logs' limit: ${others}. Remove one, or share one subscription: deploy one stage with ingestMode=kinesis and subscribe the others' consumers to its stream (docs/deploy.md#when-the-log-group-already-exists)`,
  );
}

/** The SNS topics alarms notify, one per level, each with an optional email subscription. */

import type { StackParameters } from '../../shared/monitoring/parameters';
import type { AlarmTopics } from './alarms';
import { type Output, type Resources, ref } from './cfn';
import type { IngestNames, StackContext } from './names';

const LEVELS = ['Warning', 'Critical'] as const;

/** The topic of each alarm level, for alarm actions. */
export const alarmTopics = (): AlarmTopics => ({
  warning: ref('WarningTopic'),
  critical: ref('CriticalTopic'),
});

/** A topic per level, and the email subscription to it if the parameters name an address. */
export function topicResources(params: StackParameters, ctx: StackContext, names: IngestNames): Resources {
  const resources: Resources = {};
  for (const level of LEVELS) {
    resources[`${level}Topic`] = {
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: `${names.namePrefix}-${level.toLowerCase()}`,
        DisplayName: `${ctx.service} ${level.toLowerCase()}`,
      },
    };
    const email = level === 'Warning' ? params.warningEmail : params.criticalEmail;
    if (email) {
      resources[`${level}EmailSubscription`] = {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: ref(`${level}Topic`), Protocol: 'email', Endpoint: email },
      };
    }
  }
  return resources;
}

/** The topics' ARNs, for subscribing anything else (chat, paging) outside the stack. */
export function topicOutputs(): Record<string, Output> {
  return {
    WarningTopicArn: { Description: 'SNS topic of warning alarms', Value: ref('WarningTopic') },
    CriticalTopicArn: { Description: 'SNS topic of critical alarms', Value: ref('CriticalTopic') },
  };
}

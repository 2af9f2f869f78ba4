/** One alert to the request its destination expects, whatever the destination. */
import type { DestinationSecret } from '../secrets';
import type { AlertView } from '../view';
import { opsgenieRequest } from './opsgenie';
import { pagerDutyRequest } from './pagerduty';
import type { AlertAction, HttpRequest } from './request';
import { slackRequest } from './slack';
import { teamsRequest } from './teams';
import { webhookRequest } from './webhook';

export type { AlertAction, HttpRequest } from './request';

/**
 * The request for `view` to the destination `secret` describes.
 * @example destinationRequest(view, 'trigger', parseDestinationSecret('slack', url))
 */
export function destinationRequest(
  view: AlertView,
  action: AlertAction,
  secret: DestinationSecret,
): HttpRequest {
  switch (secret.type) {
    case 'slack':
      return slackRequest(view, action, secret.url);
    case 'teams':
      return teamsRequest(view, action, secret.url);
    case 'webhook':
      return webhookRequest(view, action, secret);
    case 'pagerduty':
      return pagerDutyRequest(view, action, secret);
    case 'opsgenie':
      return opsgenieRequest(view, action, secret);
  }
}

/**
 * Microsoft Teams, through a Workflows "post to a channel when a webhook request is received"
 * URL (the Office 365 connectors' successor): a message with one Adaptive Card 1.4 attachment,
 * facts for the figures, the runbook, and buttons to the dashboard and the alarm.
 */
import { type AlertView, contributorLines } from '../view';
import { type AlertAction, type HttpRequest, postJson } from './request';

const text = (value: string, extra: Record<string, unknown> = {}) => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});

/**
 * The webhook request for one alert or its resolution.
 * @example teamsRequest(view, 'trigger', 'https://prod-00.westeurope.logic.azure.com/workflows/…')
 */
export function teamsRequest(view: AlertView, action: AlertAction, url: string): HttpRequest {
  const body =
    action === 'resolve'
      ? [
          text(view.headline, { weight: 'Bolder', size: 'Medium', color: 'Good' }),
          text(`Back to OK since ${view.since}: ${view.summary}`),
        ]
      : [
          text(view.headline, {
            weight: 'Bolder',
            size: 'Medium',
            color: view.level === 'critical' ? 'Attention' : 'Warning',
          }),
          text(view.meaning),
          {
            type: 'FactSet',
            facts: [
              { title: 'Level', value: view.level },
              { title: 'Scope', value: view.scope.label },
              { title: 'Since', value: view.since },
              { title: 'Value vs threshold', value: view.summary },
              { title: 'Alarm', value: view.alarm },
            ],
          },
          ...(view.contributors
            ? [
                text(`Top by ${view.contributors.metric} ${view.contributors.window}`, { weight: 'Bolder' }),
                text(
                  contributorLines(view.contributors)
                    .map((l) => `- ${l}`)
                    .join('\n'),
                ),
              ]
            : []),
          text('Runbook', { weight: 'Bolder' }),
          text(view.runbook.map((s, i) => `${i + 1}. ${s}`).join('\n')),
          text(`Why this alarm is set so: ${view.rationale}`, { isSubtle: true, size: 'Small' }),
        ];
  const actions = [
    ...(view.dashboardUrl ? [{ type: 'Action.OpenUrl', title: 'Dashboard', url: view.dashboardUrl }] : []),
    ...(view.alarmUrl ? [{ type: 'Action.OpenUrl', title: 'Alarm', url: view.alarmUrl }] : []),
  ];
  return postJson(url, {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
        },
      },
    ],
  });
}

/**
 * Slack incoming webhook, Block Kit: a header, what it means, the figures as fields, top
 * contributors, the runbook, why the alarm is set so, and buttons to the dashboard and the alarm.
 * Limits respected: header 150 characters, section text 3000, at most 10 fields of 2000.
 */
import { type AlertView, contributorLines } from '../view';
import { type AlertAction, clip, type HttpRequest, postJson } from './request';

/** Slack reads `&`, `<` and `>` as markup (`<!channel>` would ping everyone): escape what we quote. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } });
const field = (title: string, value: string) => ({
  type: 'mrkdwn',
  text: clip(`*${title}*\n${esc(value)}`, 2000),
});

/**
 * The webhook request for one alert (trigger) or its resolution.
 * @example slackRequest(view, 'trigger', 'https://hooks.slack.com/services/…')
 */
export function slackRequest(view: AlertView, action: AlertAction, url: string): HttpRequest {
  const header = {
    type: 'header',
    text: { type: 'plain_text', text: clip(view.headline, 150), emoji: true },
  };
  const buttons = [
    ...(view.dashboardUrl
      ? [{ type: 'button', text: { type: 'plain_text', text: 'Dashboard' }, url: view.dashboardUrl }]
      : []),
    ...(view.alarmUrl
      ? [{ type: 'button', text: { type: 'plain_text', text: 'Alarm' }, url: view.alarmUrl }]
      : []),
  ];
  const actions = buttons.length > 0 ? [{ type: 'actions', elements: buttons }] : [];
  if (action === 'resolve') {
    return postJson(url, {
      text: view.headline,
      blocks: [header, section(`Back to OK since ${view.since}: ${esc(view.summary)}`), ...actions],
    });
  }
  const fields = [
    field('Level', view.level),
    field('Scope', view.scope.label),
    field('Since', view.since),
    field('Value vs threshold', view.summary),
    field('Alarm', view.alarm),
  ];
  const top = contributorLines(view.contributors);
  return postJson(url, {
    text: `${view.headline}: ${view.summary}`,
    blocks: [
      header,
      section(`${esc(view.meaning)}\n${esc(view.description)}`),
      { type: 'section', fields },
      ...(top.length > 0 && view.contributors
        ? [
            section(
              `*Top by ${view.contributors.metric} ${esc(view.contributors.window)}*\n${top.map((l) => `• ${esc(l)}`).join('\n')}`,
            ),
          ]
        : []),
      ...(view.runbook.length > 0
        ? [section(`*Runbook*\n${view.runbook.map((s, i) => `${i + 1}. ${esc(s)}`).join('\n')}`)]
        : []),
      ...(view.rationale
        ? [
            {
              type: 'context',
              elements: [
                { type: 'mrkdwn', text: clip(`Why this alarm is set so: ${esc(view.rationale)}`, 3000) },
              ],
            },
          ]
        : []),
      ...actions,
    ],
  });
}

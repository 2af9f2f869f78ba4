/**
 * Slack incoming webhook, Block Kit: a header, what it means, the figures as fields, top
 * contributors, the runbook, why the alarm is set so, and buttons to the dashboard and the alarm.
 * Limits respected: header 150 characters, section text 3000, at most 10 fields of 2000.
 * An incoming webhook can only post: updating a message (chat.update) or threading under it
 * (thread_ts) needs a bot token and the Web API. So an incident's later messages (its escalation to
 * critical, its resolution) are new messages that name the same incident.
 */
import type { SavingsReport } from '../savings-report';
import { type AlertView, contributorLines, incidentLine, resolution } from '../view';
import { type AlertAction, clip, fitParagraph, type HttpRequest, incomingWebhook, postJson } from './request';

/** Slack reads `&`, `<` and `>` as markup (`<!channel>` would ping everyone): escape what we quote. */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } });
const field = (title: string, value: string) => ({
  type: 'mrkdwn',
  text: clip(`*${title}*\n${esc(value)}`, 2000),
});
const context = (text: string) => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(esc(text), 3000) }],
});

function triggerBlocks(view: AlertView) {
  const top = contributorLines(view.contributors);
  const incident = incidentLine(view);
  return [
    section(`${esc(view.meaning)}\n${esc(view.description)}`),
    {
      type: 'section',
      fields: [
        field('Level', view.level),
        field('Scope', view.scope.label),
        field('Since', view.since),
        field('Value vs threshold', view.summary),
        field('Alarm', view.alarm),
      ],
    },
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
    ...(view.rationale ? [context(`Why this alarm is set so: ${view.rationale}`)] : []),
    ...(incident ? [context(incident)] : []),
  ];
}

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
      text: esc(`${view.headline}: ${resolution(view)}`),
      blocks: [
        header,
        section(esc(`${resolution(view)}: ${view.summary}`)),
        ...(view.incident ? [context(`Incident ${view.incident.key}`)] : []),
        ...actions,
      ],
    });
  }
  return postJson(url, {
    text: esc(`${view.headline}: ${view.summary}`),
    blocks: [header, ...triggerBlocks(view), ...actions],
  });
}

/** Slack's limit of blocks per message: the header and the closing context leave the rest for paragraphs. */
const MAX_BLOCKS = 50;

/**
 * The weekly savings report: its subject as the header, one section per paragraph of the advisor's
 * text (each within 3000 characters, its last findings replaced by "… N more findings" when not),
 * and a context line saying it is a report, not an alarm.
 * @example slackReportRequest(report, 'https://hooks.slack.com/services/…')
 */
export function slackReportRequest(report: SavingsReport, url: string): HttpRequest {
  const paragraphs = report.paragraphs.slice(0, MAX_BLOCKS - 2).map((p) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: fitParagraph(p, 3000, esc) },
  }));
  return postJson(url, {
    text: esc(report.subject),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(report.subject, 150), emoji: true } },
      ...paragraphs,
      context('Weekly savings report of bedrock-watch: a FinOps summary, not an alarm; nothing is paged.'),
    ],
  });
}

export const SLACK = incomingWebhook('slack', slackRequest, slackReportRequest);

/**
 * Microsoft Teams, through a Workflows "post to a channel when a webhook request is received"
 * URL (the Office 365 connectors' successor): a message with one Adaptive Card 1.4 attachment,
 * facts for the figures, the runbook, and buttons to the dashboard and the alarm. Values from the
 * alarm (scope, attribution values, figures) are escaped, since TextBlocks render Markdown links;
 * the card is kept under Teams' message limit (about 28 KB) by clipping its longest texts.
 */
import type { SavingsReport } from '../savings-report';
import { type AlertView, contributorLines, incidentLine, resolution } from '../view';
import { type AlertAction, clip, fitParagraph, type HttpRequest, incomingWebhook, postJson } from './request';

/** Below the documented ~28 KB a posted message may have, with room for Teams' own envelope. */
export const TEAMS_MAX_BYTES = 27_000;
/** Clipping steps for every text, longest first: the first that fits is sent. */
const TEXT_LIMITS = [Number.POSITIVE_INFINITY, 4000, 1500, 500, 150];

/** Markdown's link and emphasis characters, backslash-escaped (CommonMark), in values we quote. */
const md = (s: string) => s.replace(/[\\[\]()*_~`<>#|]/g, '\\$&');

function card(view: AlertView, action: AlertAction, limit: number) {
  const text = (value: string, extra: Record<string, unknown> = {}) => ({
    type: 'TextBlock',
    text: clip(value, limit),
    wrap: true,
    ...extra,
  });
  const incident = incidentLine(view);
  if (action === 'resolve')
    return [
      text(md(view.headline), { weight: 'Bolder', size: 'Medium', color: 'Good' }),
      text(md(`${resolution(view)}: ${view.summary}`)),
    ];
  return [
    text(md(view.headline), {
      weight: 'Bolder',
      size: 'Medium',
      color: view.level === 'critical' ? 'Attention' : 'Warning',
    }),
    text(view.meaning),
    {
      type: 'FactSet',
      facts: [
        { title: 'Level', value: view.level },
        { title: 'Scope', value: clip(md(view.scope.label), limit) },
        { title: 'Since', value: view.since },
        { title: 'Value vs threshold', value: clip(md(view.summary), limit) },
        { title: 'Alarm', value: clip(md(view.alarm), limit) },
      ],
    },
    ...(view.contributors
      ? [
          text(`Top by ${view.contributors.metric} ${view.contributors.window}`, { weight: 'Bolder' }),
          text(
            contributorLines(view.contributors)
              .map((l) => `- ${md(l)}`)
              .join('\n'),
          ),
        ]
      : []),
    text('Runbook', { weight: 'Bolder' }),
    text(view.runbook.map((s, i) => `${i + 1}. ${s}`).join('\n')),
    text(`Why this alarm is set so: ${view.rationale}`, { isSubtle: true, size: 'Small' }),
    ...(incident ? [text(md(incident), { isSubtle: true, size: 'Small' })] : []),
  ];
}

/** One Adaptive Card 1.4 message posted to the Workflows URL. */
const cardMessage = (url: string, body: unknown[], actions: unknown[]) =>
  postJson(url, {
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

/**
 * The webhook request for one alert or its resolution.
 * @example teamsRequest(view, 'trigger', 'https://prod-00.westeurope.logic.azure.com/workflows/…')
 */
export function teamsRequest(view: AlertView, action: AlertAction, url: string): HttpRequest {
  const actions = [
    ...(view.dashboardUrl ? [{ type: 'Action.OpenUrl', title: 'Dashboard', url: view.dashboardUrl }] : []),
    ...(view.alarmUrl ? [{ type: 'Action.OpenUrl', title: 'Alarm', url: view.alarmUrl }] : []),
  ];
  const message = (limit: number) => cardMessage(url, card(view, action, limit), actions);
  let request = message(TEXT_LIMITS[0] as number);
  for (const limit of TEXT_LIMITS.slice(1)) {
    if (Buffer.byteLength(request.body) <= TEAMS_MAX_BYTES) break;
    request = message(limit);
  }
  return request;
}

/**
 * The weekly savings report as one card: the subject, then a TextBlock per paragraph of the
 * advisor's text, each cut to the first limit that keeps the message under TEAMS_MAX_BYTES (its last
 * findings replaced by "… N more findings"). Lines are joined with blank lines: a TextBlock's
 * Markdown would run single lines together.
 * @example teamsReportRequest(report, 'https://prod-00.westeurope.logic.azure.com/workflows/…')
 */
export function teamsReportRequest(report: SavingsReport, url: string): HttpRequest {
  const message = (limit: number) =>
    cardMessage(
      url,
      [
        {
          type: 'TextBlock',
          text: clip(md(report.subject), 150),
          wrap: true,
          weight: 'Bolder',
          size: 'Medium',
        },
        ...report.paragraphs.map((p) => ({
          type: 'TextBlock',
          text: fitParagraph(p, limit, md).split('\n').join('\n\n'),
          wrap: true,
        })),
        {
          type: 'TextBlock',
          text: 'A FinOps summary, not an alarm: nothing is paged.',
          wrap: true,
          isSubtle: true,
          size: 'Small',
        },
      ],
      [],
    );
  let request = message(TEXT_LIMITS[0] as number);
  for (const limit of TEXT_LIMITS.slice(1)) {
    if (Buffer.byteLength(request.body) <= TEAMS_MAX_BYTES) break;
    request = message(limit);
  }
  return request;
}

export const TEAMS = incomingWebhook('teams', teamsRequest, teamsReportRequest);

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifierHandler } from '../functions/notifier/handler';
import { handleNotifications } from '../functions/notifier/notifier';
import type { Advice } from '../shared/advice/checks';
import { usd } from '../shared/advice/common';
import type { Basis, CheckName, Finding } from '../shared/advice/types';
import { ADVICE_ATTRIBUTE, adviceMessage } from '../shared/advice/weekly';
import { fitParagraph } from '../shared/alerts/destinations/request';
import { TEAMS_MAX_BYTES } from '../shared/alerts/destinations/teams';
import { alarmMessage, PREFIX, TOPIC, testNotifier } from './support/alert-helpers';
import { context } from './support/helpers';
import { type HttpReceiver, startReceiver } from './support/http-receiver';

const T0 = Date.parse('2026-12-07T06:00:00Z');
const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
/** Every destination on the warning policy, pagers included, to show the report skips them. */
const WARNING_EVERYONE = '0:slack,teams,hook;10:pagerduty,opsgenie';

function finding(
  check: CheckName,
  basis: Basis,
  monthlyUsd: number,
  formula: string,
  caller = 'svc-batch',
): Finding {
  return {
    check,
    scope: { model: SONNET, caller },
    basis,
    monthlyUsd,
    windowUsd: Math.round(((monthlyUsd * 7) / 30) * 100) / 100,
    calls: 1200,
    formula,
    evidence: {},
    caveat: 'a caveat',
    pricesAsOf: '2025-11-01',
  };
}

const ADVICE: Advice = {
  window: { start: '2026-11-30T06:00:00.000Z', end: '2026-12-07T06:00:00.000Z', days: 7 },
  findings: [
    finding('global-profile', 'exact', 41.25, '$105.00 geo spend × 1/11 × 30/7 days = $41.25/month'),
    finding('legacy-model', 'exact', 12.5, '$5.83 × (1 − 3/6) × 30/7 days = $12.50/month', 'etl'),
    finding('batch', 'upper-bound', 96, '$44.80 on-demand × 50 % × 30/7 days = $96.00/month'),
  ],
  gaps: [],
};
const MESSAGE = adviceMessage(ADVICE, { namePrefix: PREFIX, calls: 5400, unread: 0, rejected: 0 });

/** The weekly advisor's SNS message as Lambda delivers it to the notifier. */
function adviceEvent(message: string, subject: string | null = MESSAGE.subject, messageId = 'advice-1') {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC('warning')}:sub`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: TOPIC('warning'),
          Subject: subject,
          Message: message,
          MessageAttributes: { [ADVICE_ATTRIBUTE.name]: { Type: 'String', Value: ADVICE_ATTRIBUTE.value } },
        },
      },
    ],
  };
}

let receiver: HttpReceiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

function notifier(
  warningPolicy = WARNING_EVERYONE,
  extra: Pick<Parameters<typeof testNotifier>[0], 'eventBus' | 'putEvents'> = {},
) {
  const clock = { now: T0 };
  const t = testNotifier({
    receiverUrl: receiver.url,
    escalationPolicy: '0:slack',
    warningPolicy,
    clock,
    ...extra,
  });
  const counted: string[] = [];
  t.deps.count = (metric, reason) => counted.push(reason ? `${metric}:${reason}` : metric);
  return { ...t, counted, handler: createNotifierHandler(t.deps, t.logger, t.metrics) };
}

const PAGER_SKIP = 'paging destination: a weekly savings report must not open an incident';

describe('the weekly savings report through the notifier (real HTTP on 127.0.0.1)', () => {
  it('reaches Slack, Teams and a webhook with the totals per basis and the findings with formulas', async () => {
    const { handler, counted } = notifier();

    const report = await handler(adviceEvent(MESSAGE.message), context);

    const [slack] = receiver.on('/slack').map((r) => r.json);
    expect(slack.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: MESSAGE.subject, emoji: true },
    });
    const slackText = JSON.stringify(slack.blocks);
    expect(slackText).toContain(`exact: ${usd(53.75)} per month in 2 findings`);
    expect(slackText).toContain(`upper-bound: ${usd(96)} per month in 1 findings`);
    expect(slackText).toContain('$105.00 geo spend × 1/11 × 30/7 days = $41.25/month');
    expect(slackText).toContain(`- legacy-model ${SONNET} etl: $12.50/month, 1200 calls.`);
    expect(slack.blocks.at(-1).type).toBe('context');

    const [teams] = receiver.on('/teams').map((r) => r.json);
    const card = teams.attachments[0].content;
    expect(card.type).toBe('AdaptiveCard');
    const teamsText = card.body.map((b: { text: string }) => b.text).join('\n');
    expect(teamsText).toContain(`exact: ${usd(53.75)} per month in 2 findings`);
    // Markdown's parentheses are escaped in values quoted into a TextBlock.
    expect(teamsText).toContain('$5.83 × \\(1 − 3/6\\) × 30/7 days = $12.50/month');

    const [hook] = receiver.on('/hook');
    expect(hook?.headers.authorization).toBe('Bearer hook-token');
    expect(hook?.json).toEqual({
      version: '1',
      source: 'bedrock-watch',
      action: 'report',
      report: {
        kind: 'savings',
        subject: MESSAGE.subject,
        text: MESSAGE.message,
        paragraphs: MESSAGE.message.split('\n\n').map((p) => p.split('\n')),
      },
    });

    expect(report.reports).toEqual([
      { target: 'slack', type: 'slack', result: 'sent' },
      { target: 'teams', type: 'teams', result: 'sent' },
      { target: 'pagerduty', type: 'pagerduty', result: 'skipped', reason: PAGER_SKIP },
      { target: 'opsgenie', type: 'opsgenie', result: 'skipped', reason: PAGER_SKIP },
      { target: 'hook', type: 'webhook', result: 'sent' },
    ]);
    expect(report.outcomes).toEqual([]);
    expect(report.rejected).toEqual([]);
    expect(counted.sort()).toEqual(
      ['delivered', 'delivered', 'delivered', `skipped:${PAGER_SKIP}`, `skipped:${PAGER_SKIP}`].sort(),
    );
  });

  it('sends PagerDuty and Opsgenie nothing, and touches no escalation state or remediation bus', async () => {
    const events: unknown[] = [];
    const { handler, store } = notifier(WARNING_EVERYONE, {
      eventBus: 'bus',
      putEvents: (entries) => {
        events.push(...entries);
        return Promise.resolve({ failed: 0 });
      },
    });

    await handler(adviceEvent(MESSAGE.message), context);

    expect(receiver.on('/v2/enqueue')).toEqual([]);
    expect(receiver.requests.filter((r) => r.path.startsWith('/v2/alerts'))).toEqual([]);
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/hook', '/slack', '/teams']);
    expect(store.size()).toBe(0);
    expect(events).toEqual([]);
  });

  it('goes only to the destinations the warning policy names', async () => {
    const { handler } = notifier('0:teams');

    const report = await handler(adviceEvent(MESSAGE.message), context);

    expect(receiver.requests.map((r) => r.path)).toEqual(['/teams']);
    expect(report.reports).toEqual([{ target: 'teams', type: 'teams', result: 'sent' }]);
  });

  it('cuts a long report to Slack and Teams limits with a "… N more findings" line; the webhook gets it whole', async () => {
    const long = (i: number) => `$${i}.00 × 1/11 × 30/7 days; ${'a long formula part, '.repeat(40)}end ${i}`;
    const many: Advice = {
      ...ADVICE,
      findings: Array.from({ length: 9 }, (_, i) =>
        finding('global-profile', 'exact', 90 - i, long(i), `c${i}`),
      ),
    };
    const big = adviceMessage(many, { namePrefix: PREFIX, calls: 9000, unread: 0, rejected: 0 });
    const { handler } = notifier();

    await handler(adviceEvent(big.message, big.subject), context);

    const [slack] = receiver.on('/slack').map((r) => r.json);
    const exact = slack.blocks.find((b: { text?: { text: string } }) => b.text?.text.startsWith('exact:'));
    expect(exact.text.text.length).toBeLessThanOrEqual(3000);
    const kept = exact.text.text.split('\n').filter((l: string) => l.startsWith('- ')).length;
    const more = Number(/… (\d+) more findings$/.exec(exact.text.text)?.[1]);
    // The advisor lists 5 of 9 and says 4 more; Slack keeps what fits and counts the rest with those 4.
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(5);
    expect(kept + more).toBe(9);

    const [teams] = receiver.on('/teams');
    expect(Buffer.byteLength(teams?.body ?? '')).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(teams?.body).toContain('more findings');

    expect(receiver.on('/hook')[0]?.json.report.text).toBe(big.message);
  });

  it('counts a failed destination and still delivers to the others, without failing the invocation', async () => {
    const { handler, counted } = notifier();
    receiver.respond('/slack', 500);

    const report = await handler(adviceEvent(MESSAGE.message), context);

    expect(report.reports?.find((r) => r.target === 'slack')).toEqual({
      target: 'slack',
      type: 'slack',
      result: 'failed',
      reason: 'HTTP 500',
    });
    expect(receiver.on('/teams')).toHaveLength(1);
    expect(receiver.on('/hook')).toHaveLength(1);
    expect(counted.filter((c) => c.startsWith('failed'))).toEqual(['failed:HTTP 500']);
  });

  it('counts a malformed advice message as a rejection and sends nothing', async () => {
    const { handler, counted } = notifier();

    const empty = await handler(adviceEvent('', null, 'advice-empty'), context);
    const otherStack = await handler(
      adviceEvent(MESSAGE.message.replace(PREFIX, 'someone-else'), MESSAGE.subject, 'advice-other'),
      context,
    );

    expect(empty.rejected).toEqual([{ reason: 'advice-malformed', messageId: 'advice-empty' }]);
    expect(otherStack.rejected).toEqual([{ reason: 'advice-malformed', messageId: 'advice-other' }]);
    expect(counted).toEqual(['rejected:advice-malformed', 'rejected:advice-malformed']);
    expect(receiver.requests).toEqual([]);
  });

  it('rejects an advice message from a topic that is not the stack’s', async () => {
    const { deps, counted } = notifier();

    const report = await handleNotifications(deps, [
      {
        messageId: 'advice-x',
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:other',
        message: MESSAGE.message,
        attributes: { bedrockWatch: 'advice' },
      },
    ]);

    expect(report.rejected).toEqual([{ reason: 'unknown-topic', messageId: 'advice-x' }]);
    expect(counted).toEqual(['rejected:unknown-topic']);
    expect(receiver.requests).toEqual([]);
  });

  it('knows the report by its attribute: the same text without it is still a rejected notification', async () => {
    const { handler, counted } = notifier();
    const event = adviceEvent(MESSAGE.message);
    (event.Records[0] as { Sns: { MessageAttributes?: unknown } }).Sns.MessageAttributes = {};

    const report = await handler(event, context);

    expect(report.rejected).toEqual([{ reason: 'not-json', messageId: 'advice-1' }]);
    expect(counted).toEqual(['rejected:not-json']);
    expect(receiver.requests).toEqual([]);
  });

  it('routes an alarm with an unrelated attribute as an alarm', async () => {
    const { deps } = notifier();

    const report = await handleNotifications(deps, [
      {
        messageId: 'a-1',
        topicArn: TOPIC('critical'),
        message: alarmMessage({ key: 'budget-90-all', state: 'ALARM', atMs: T0 }),
        attributes: { bedrockWatch: 'something-else' },
      },
    ]);

    expect(report.outcomes.map((o) => [o.delivery, o.result])).toEqual([['trigger:critical:slack', 'sent']]);
    expect(report.reports).toBeUndefined();
  });
});

describe('fitting a report paragraph to a limit', () => {
  it('keeps whole findings in order and counts every one it drops, with those the advisor left out', () => {
    const line = fc.string({ minLength: 1, maxLength: 400 }).map((s) => s.replace(/\n/g, ' '));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 0, maxLength: 12 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 100, max: 3000 }),
        (bodies, before, max) => {
          const findings = bodies.map((b) => `- ${b}`);
          const lines = [
            'exact: $1.00 per month',
            ...findings,
            ...(before > 0 ? [`… ${before} more findings`] : []),
          ];
          const out = fitParagraph(lines, max);
          expect(out.length).toBeLessThanOrEqual(max);
          const outLines = out.split('\n');
          expect(outLines[0]).toBe('exact: $1.00 per month');
          const kept = outLines.filter((l) => l.startsWith('- '));
          expect(kept).toEqual(findings.slice(0, kept.length));
          const more = Number(/^… (\d+) more findings?$/.exec(outLines.at(-1) ?? '')?.[1] ?? 0);
          expect(kept.length + more).toBe(findings.length + before);
        },
      ),
    );
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifierHandler } from '../functions/notifier/handler';
import { DeliveryFailedError, handleNotifications, handleTick } from '../functions/notifier/notifier';
import { contributorQuery } from '../shared/alerts/contributors';
import type { AlertView } from '../shared/alerts/view';
import {
  alarmMessage,
  describedAlarm,
  GENIE_KEY,
  HAIKU,
  PREFIX,
  ROUTING_KEY,
  snsEvent,
  testNotifier,
} from './support/alert-helpers';
import { context } from './support/helpers';
import { type HttpReceiver, startReceiver } from './support/http-receiver';

const T0 = Date.parse('2025-11-01T09:01:00Z');
const EVERYONE = '0:slack,teams,pagerduty,opsgenie,hook';
const records = (message: string, messageId = 'm-1') => [
  { messageId, topicArn: `arn:aws:sns:eu-west-1:123456789012:${PREFIX}-critical`, message },
];
const alarm = (state: 'ALARM' | 'OK', atMs: number, key = 'budget-90-all') =>
  records(alarmMessage({ key, state, atMs }), `${key}-${state}-${atMs}`);

let receiver: HttpReceiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

describe('notifier deliveries (real HTTP on 127.0.0.1)', () => {
  it('sends each destination its own payload on ALARM and resolves each on OK', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({ receiverUrl: receiver.url, escalationPolicy: EVERYONE, clock });

    await handleNotifications(deps, alarm('ALARM', T0));
    clock.now = T0 + 3_600_000;
    await handleNotifications(deps, alarm('OK', clock.now));

    const [slackAlarm, slackOk] = receiver.on('/slack').map((r) => r.json);
    expect(slackAlarm.text).toContain('budget-90-all');
    expect(slackAlarm.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '[CRITICAL] budget-90-all (all models)', emoji: true },
    });
    expect(slackAlarm.blocks.map((b: { type: string }) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'section',
      'context',
      'actions',
    ]);
    expect(JSON.stringify(slackAlarm.blocks[2].fields)).toContain(
      'value $19.38 ≥ threshold $18.00 over 1 of the last 1 periods of 1 hour',
    );
    expect(slackAlarm.blocks[3].text.text).toContain('team search: $12.30');
    expect(slackAlarm.blocks[6].elements[0].url).toBe(
      `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=${PREFIX}-executive-eu-west-1`,
    );
    expect(slackOk.blocks[0].text.text).toBe('[RESOLVED] budget-90-all (all models)');

    const [trigger, resolve] = receiver.on('/v2/enqueue').map((r) => r.json);
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      // One key per incident (family and scope), not per alarm: warning and critical share it.
      dedup_key: `bedrock-watch/123456789012/eu-west-1/${PREFIX}/budget`,
      payload: {
        severity: 'critical',
        class: 'budget',
        component: 'all models',
        timestamp: '2025-11-01T09:01:00.000Z',
      },
      client: 'bedrock-watch',
    });
    expect(trigger.payload.summary.length).toBeLessThanOrEqual(1024);
    expect(trigger.payload.source).toBe('bedrock-watch 123456789012 eu-west-1');
    expect(trigger.payload.custom_details.runbook.length).toBeGreaterThan(0);
    expect(trigger.links.map((l: { text: string }) => l.text)).toEqual(['Dashboard', 'CloudWatch alarm']);
    expect(resolve).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: trigger.dedup_key,
    });

    const [create] = receiver.on('/v2/alerts');
    expect(create?.headers.authorization).toBe(`GenieKey ${GENIE_KEY}`);
    expect(create?.json).toMatchObject({ alias: trigger.dedup_key, priority: 'P1', source: 'bedrock-watch' });
    expect(create?.json.message.length).toBeLessThanOrEqual(130);
    const close = receiver.requests.find((r) => r.path.includes('/close'));
    expect(close?.path).toBe(
      `/v2/alerts/${encodeURIComponent(trigger.dedup_key)}/close?identifierType=alias`,
    );

    const [teamsAlarm] = receiver.on('/teams').map((r) => r.json);
    expect(teamsAlarm.type).toBe('message');
    expect(teamsAlarm.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teamsAlarm.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(receiver.on('/teams')).toHaveLength(2);

    const hook = receiver.on('/hook');
    expect(hook.map((r) => [r.json.version, r.json.action, r.json.alert.state])).toEqual([
      ['1', 'trigger', 'ALARM'],
      ['1', 'resolve', 'OK'],
    ]);
    expect(hook[0]?.headers.authorization).toBe('Bearer hook-token');
  });

  it('escalates on the minute tick (0 Slack, 15 PagerDuty, 30 PagerDuty high), once under overlapping ticks, and on OK resolves only who was told', async () => {
    const clock = { now: T0 };
    let inAlarm = true;
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:slack;15:pagerduty;30:pagerduty-high;60:opsgenie',
      clock,
      inAlarm: () => Promise.resolve(inAlarm ? [describedAlarm('budget-90-all', T0)] : []),
    });
    const sent: string[] = [];
    const http = deps.http;
    deps.http = (request) => {
      const body = JSON.parse(request.body);
      const what = body.event_action
        ? `${body.event_action} ${body.routing_key.slice(0, 1)}`
        : new URL(request.url).pathname;
      sent.push(`${(clock.now - T0) / 60_000} ${what}`);
      return http(request);
    };

    await handleNotifications(deps, alarm('ALARM', T0));
    for (let m = 1; m < 45; m++) {
      clock.now = T0 + m * 60_000;
      await Promise.all([handleTick(deps), handleTick(deps)]);
    }
    clock.now = T0 + 45 * 60_000;
    inAlarm = false;
    await handleNotifications(deps, alarm('OK', clock.now));
    await handleNotifications(deps, alarm('OK', clock.now));
    for (let m = 46; m <= 75; m++) {
      clock.now = T0 + m * 60_000;
      await handleTick(deps);
    }

    expect(sent).toEqual([
      '0 /slack',
      '15 trigger R',
      '30 trigger H',
      '45 /slack',
      '45 resolve R',
      '45 resolve H',
    ]);
    expect(receiver.on('/v2/alerts')).toEqual([]);
  });

  it('names the model and the top teams for a model-scoped alarm', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({ receiverUrl: receiver.url, escalationPolicy: '0:pagerduty', clock });
    const message = alarmMessage({
      key: 'budget-90-haiku',
      state: 'ALARM',
      atMs: T0,
      dimensions: { ModelId: HAIKU },
    });

    await handleNotifications(deps, records(message));

    const [trigger] = receiver.on('/v2/enqueue').map((r) => r.json);
    expect(trigger.payload.component).toBe(HAIKU);
    expect(trigger.payload.custom_details).toMatchObject({
      model: HAIKU,
      top_contributors: ['team search: $12.30', 'team ads: $2.00'],
    });
  });

  it('keeps delivering to the others when one destination fails, and resends only that one on the retry', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({ receiverUrl: receiver.url, escalationPolicy: EVERYONE, clock });
    receiver.respond('/slack', 503);

    const first = handleNotifications(deps, alarm('ALARM', T0));

    await expect(first).rejects.toThrow(DeliveryFailedError);
    expect(receiver.on('/slack')).toHaveLength(3);
    for (const path of ['/teams', '/v2/enqueue', '/v2/alerts', '/hook'])
      expect(receiver.on(path), path).toHaveLength(1);

    receiver.respond('/slack', 200, 'ok');
    await handleNotifications(deps, alarm('ALARM', T0));

    expect(receiver.on('/slack')).toHaveLength(4);
    for (const path of ['/teams', '/v2/enqueue', '/v2/alerts', '/hook'])
      expect(receiver.on(path), path).toHaveLength(1);
  });

  it('does not retry a destination that refuses the request, but keeps failing the invocation so the event is kept', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:pagerduty,slack',
      clock,
    });
    receiver.respond('/v2/enqueue', 400, '{"status":"invalid event"}');

    const first = handleNotifications(deps, alarm('ALARM', T0));
    await expect(first).rejects.toThrow('budget-90-all trigger:critical:pagerduty');
    const retry = handleNotifications(deps, alarm('ALARM', T0));
    await expect(retry).rejects.toThrow(DeliveryFailedError);

    expect(receiver.on('/v2/enqueue')).toHaveLength(1);
    expect(receiver.on('/slack')).toHaveLength(1);
  });

  it('writes no secret into its logs or into another destination', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({ receiverUrl: receiver.url, escalationPolicy: EVERYONE, clock });
    const logged: string[] = [];
    deps.log = (_level, message, fields) => logged.push(JSON.stringify({ message, fields }));
    receiver.respond('/teams', 500);

    await handleNotifications(deps, alarm('ALARM', T0)).catch(() => undefined);

    const secrets = [ROUTING_KEY, GENIE_KEY, 'hook-token', `${receiver.url}/slack`];
    for (const line of logged) for (const s of secrets) expect(line).not.toContain(s);
    for (const path of ['/slack', '/teams', '/hook'])
      for (const r of receiver.on(path))
        for (const s of [ROUTING_KEY, GENIE_KEY]) expect(r.body).not.toContain(s);
  });

  it('publishes one remediation event per transition of an alarm a machine can act on', async () => {
    const clock = { now: T0 };
    const entries: Record<string, unknown>[] = [];
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:hook',
      clock,
      eventBus: 'default',
      putEvents: (e) => {
        entries.push(...e);
        return Promise.resolve({ failed: 0 });
      },
    });

    await handleNotifications(deps, alarm('ALARM', T0));
    await handleNotifications(deps, alarm('ALARM', T0));
    await handleNotifications(deps, alarm('ALARM', T0, 'error-rate-critical-all'));
    clock.now = T0 + 600_000;
    await handleNotifications(deps, alarm('OK', clock.now));

    expect(entries.map((e) => [e.Source, e.DetailType, e.EventBusName])).toEqual([
      ['bedrock-watch', 'Bedrock Watch Alarm State Change', 'default'],
      ['bedrock-watch', 'Bedrock Watch Alarm State Change', 'default'],
    ]);
    const details = entries.map((e) => JSON.parse(String(e.Detail)));
    expect(details[0]).toEqual({
      version: '1',
      alarm: `${PREFIX}-budget-90-all`,
      family: 'budget',
      key: 'budget-90-all',
      level: 'critical',
      state: 'ALARM',
      scope: 'all',
      value: 19.38,
      threshold: 18,
      comparison: 'GreaterThanOrEqualToThreshold',
      window: { periodSeconds: 3600, evaluationPeriods: 1, datapointsToAlarm: 1 },
      since: '2025-11-01T09:01:00.000Z',
      region: 'eu-west-1',
      account: '123456789012',
    });
    expect(details[1]).toMatchObject({ state: 'OK', since: '2025-11-01T09:11:00.000Z' });
  });
});

describe('notifier handler', () => {
  it('takes SNS records through escalation and a scheduled event as the tick', async () => {
    const clock = { now: T0 };
    const { deps, logger, metrics } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:slack',
      clock,
      inAlarm: () => Promise.resolve([describedAlarm('budget-90-all', T0)]),
    });
    const handler = createNotifierHandler(deps, logger, metrics);

    const fromSns = await handler(
      snsEvent(alarmMessage({ key: 'budget-90-all', state: 'ALARM', atMs: T0 })),
      context,
    );
    const tick = await handler({ source: 'aws.events' }, context);

    expect(fromSns.outcomes.map((o) => [o.delivery, o.result])).toEqual([['trigger:critical:slack', 'sent']]);
    expect(tick.outcomes).toEqual([]);
  });

  it('counts and skips a message that is not an alarm notification, or comes from another topic', async () => {
    const clock = { now: T0 };
    const { deps, logger, metrics } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:slack',
      clock,
    });
    const counted: string[] = [];
    deps.count = (metric, reason) => counted.push(`${metric}:${reason}`);
    const handler = createNotifierHandler(deps, logger, metrics);
    const foreign = snsEvent(alarmMessage({ key: 'budget-90-all', state: 'ALARM', atMs: T0 }));
    (foreign.Records[0] as { Sns: { TopicArn: string } }).Sns.TopicArn =
      'arn:aws:sns:eu-west-1:123456789012:other';

    const report = await handler(snsEvent('not json'), context);
    await handler(foreign, context);

    expect(report.rejected).toEqual([{ reason: 'not-json', messageId: 'm-1' }]);
    expect(counted).toEqual(['rejected:not-json', 'rejected:unknown-topic']);
    expect(receiver.requests).toEqual([]);
  });
});

describe('contributorQuery (top contributors from the stack’s Contributor Insights rules)', () => {
  const view = (family: string, key: string, scope: AlertView['scope']) =>
    ({ family, key, scope, alarm: `bw-${key}` }) as AlertView;
  const settings = { namePrefix: 'bw', attributionKeys: ['caller', 'team'] };
  const now = Date.parse('2026-11-27T10:30:00Z');

  it('ranks the first attribution key by cost over the last hour for a cost alarm', () => {
    const q = contributorQuery(
      view('cost-anomaly', 'cost-anomaly-all', { kind: 'all', label: 'all models' }),
      settings,
      now,
    );

    expect(q).toMatchObject({ ruleName: 'bw-top-caller-by-cost', dimension: 'Caller', periodSeconds: 3600 });
    expect(q?.startMs).toBe(Date.parse('2026-11-27T09:00:00Z'));
  });

  it('reads the rule of the key a top-contributor alarm is about, and the whole month for a budget', () => {
    const top = contributorQuery(
      view('top-contributor-tokens', 'top-contributor-tokens-team', { kind: 'all', label: 'all models' }),
      settings,
      now,
    );
    const budget = contributorQuery(
      view('budget', 'budget-90-all', { kind: 'all', label: 'all models' }),
      settings,
      now,
    );

    expect(top).toMatchObject({ ruleName: 'bw-top-team-by-tokens', metric: 'Tokens' });
    expect(budget).toMatchObject({ ruleName: 'bw-top-caller-by-cost', periodSeconds: 86_400 });
    expect(budget?.startMs).toBe(Date.parse('2026-11-01T00:00:00Z'));
  });

  it("lists none for a team's own budget or without attribution", () => {
    const team = {
      kind: 'team' as const,
      label: 'team search',
      team: { dimension: 'team', value: 'search' },
    };

    expect(contributorQuery(view('budget', 'budget-90-team-search', team), settings, now)).toBeUndefined();
    expect(
      contributorQuery(
        view('cost-anomaly', 'cost-anomaly-all', { kind: 'all', label: 'all' }),
        { namePrefix: 'bw', attributionKeys: [] },
        now,
      ),
    ).toBeUndefined();
  });
});

describe('notifier defects (issue 22)', () => {
  it('1: counts and skips an alarm it does not recognise, and delivers the rest of the batch', async () => {
    const clock = { now: T0 };
    const { deps, logger, metrics } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:slack',
      clock,
    });
    const counted: string[] = [];
    deps.count = (metric, reason) => counted.push(`${metric}:${reason ?? ''}`);
    const handler = createNotifierHandler(deps, logger, metrics);
    const foreign = JSON.parse(alarmMessage({ key: 'budget-90-all', state: 'ALARM', atMs: T0 }));
    foreign.AlarmName = 'other-stack-budget-90-all';
    const unknown = alarmMessage({ key: 'mystery-family-all', state: 'ALARM', atMs: T0 });
    const event = snsEvent(JSON.stringify(foreign));
    event.Records.push(
      {
        ...snsEvent(unknown).Records[0],
        Sns: { ...snsEvent(unknown).Records[0]?.Sns, MessageId: 'm-2' },
      } as never,
      snsEvent(alarmMessage({ key: 'budget-90-all', state: 'ALARM', atMs: T0 }), 'critical', 'm-3')
        .Records[0] as never,
    );

    const report = await handler(event, context);

    expect(report.rejected).toEqual([
      { reason: 'unknown-alarm', messageId: 'm-1' },
      { reason: 'unknown-alarm', messageId: 'm-2' },
    ]);
    expect(counted.filter((c) => c.startsWith('rejected'))).toEqual([
      'rejected:unknown-alarm',
      'rejected:unknown-alarm',
    ]);
    expect(receiver.on('/slack')).toHaveLength(1);
  });

  it('2: delivers a refused delivery once its secret is fixed, on a redrive or on the tick', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:pagerduty',
      clock,
      inAlarm: () => Promise.resolve([describedAlarm('budget-90-all', T0)]),
    });
    receiver.respond('/v2/enqueue', 404, '{"status":"not found"}');

    await expect(handleNotifications(deps, alarm('ALARM', T0))).rejects.toThrow(DeliveryFailedError);
    receiver.respond('/v2/enqueue', 202);
    clock.now = T0 + 6 * 60_000;
    const redriven = await handleNotifications(deps, alarm('ALARM', T0));
    clock.now = T0 + 30 * 60_000;
    await handleTick(deps);

    expect(redriven.outcomes.map((o) => o.result)).toContain('sent');
    expect(receiver.on('/v2/enqueue').map((r) => r.json.event_action)).toEqual(['trigger', 'trigger']);
  });

  it('2: retries a refused delivery on the tick after a cool-down, without a redrive', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:pagerduty',
      clock,
      inAlarm: () => Promise.resolve([describedAlarm('budget-90-all', T0)]),
    });
    receiver.respond('/v2/enqueue', 404);
    await handleNotifications(deps, alarm('ALARM', T0)).catch(() => undefined);
    receiver.respond('/v2/enqueue', 202);

    for (let m = 1; m <= 6; m++) {
      clock.now = T0 + m * 60_000;
      await handleTick(deps).catch(() => undefined);
    }

    expect(receiver.on('/v2/enqueue')).toHaveLength(2);
  });

  it('4: tries a destination that times out once per run, not again on the retry or the next tick', async () => {
    const clock = { now: T0 };
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:slack,pagerduty',
      clock,
      inAlarm: () => Promise.resolve([describedAlarm('budget-90-all', T0)]),
    });
    const slack: number[] = [];
    const http = deps.http;
    deps.http = (request) => {
      if (!request.url.endsWith('/slack')) return http(request);
      slack.push(clock.now);
      return Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    };

    await handleNotifications(deps, alarm('ALARM', T0)).catch(() => undefined);
    const firstRun = slack.length;
    await handleNotifications(deps, alarm('ALARM', T0)).catch(() => undefined);
    clock.now = T0 + 30_000;
    await handleTick(deps).catch(() => undefined);

    expect(firstRun).toBe(1);
    expect(slack).toEqual([T0]);
    expect(receiver.on('/v2/enqueue')).toHaveLength(1);
  });

  it('5: handles the alarms of a tick concurrently, and one alarm’s store error does not stop the others', async () => {
    const clock = { now: T0 };
    const keys = ['latency-p95-critical-all', 'budget-90-all', 'error-rate-critical-all'];
    const { deps, store } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:slack',
      clock,
      inAlarm: () => Promise.resolve(keys.map((k) => describedAlarm(k, T0))),
    });
    let inFlight = 0;
    let most = 0;
    const waiting: (() => void)[] = [];
    const http = deps.http;
    deps.http = async (request) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Answer once every alarm's request is in flight (or after the test's own bound).
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 2) for (const w of waiting.splice(0)) w();
        setTimeout(resolve, 2000);
      });
      inFlight--;
      return http(request);
    };
    const get = store.get.bind(store);
    store.get = (key) =>
      key.includes('latency') ? Promise.reject(new Error('ProvisionedThroughputExceeded')) : get(key);

    await handleTick(deps).catch(() => undefined);

    expect(most).toBe(2);
    expect(receiver.on('/slack').map((r) => r.json.text.split(':')[0])).toEqual(
      expect.arrayContaining([
        '[CRITICAL] budget-90-all (all models)',
        '[CRITICAL] error-rate-critical-all (all models)',
      ]),
    );
  });

  it('8: publishes the OK remediation event on a later tick when PutEvents failed while the tick closed the episode', async () => {
    const clock = { now: T0 };
    const entries: string[] = [];
    let failOk = true;
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:hook',
      clock,
      eventBus: 'default',
      putEvents: (e) => {
        const state = JSON.parse(String(e[0]?.Detail)).state as string;
        if (state === 'OK' && failOk) {
          failOk = false;
          return Promise.resolve({ failed: 1 });
        }
        entries.push(state);
        return Promise.resolve({ failed: 0 });
      },
      byName: (names) =>
        Promise.resolve(
          names.map((n) => describedAlarm(n.slice(PREFIX.length + 1), T0 + 5 * 60_000, 'critical', 'OK')),
        ),
    });

    await handleNotifications(deps, alarm('ALARM', T0));
    clock.now = T0 + 10 * 60_000;
    await handleTick(deps).catch(() => undefined);
    clock.now = T0 + 11 * 60_000;
    await handleTick(deps).catch(() => undefined);

    expect(entries).toEqual(['ALARM', 'OK']);
  });
});

describe('one incident, one page', () => {
  it('an error burst on a watched model opens one PagerDuty incident and one Opsgenie alert, escalates by the policy, and resolves when every alarm behind it is OK', async () => {
    const clock = { now: T0 };
    const firing = new Set<string>();
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:slack,pagerduty;15:opsgenie',
      clock,
      inAlarm: () =>
        Promise.resolve(
          [...firing].map((k) => describedAlarm(k, T0, k.includes('warning') ? 'warning' : 'critical')),
        ),
    });
    const haiku = { ModelId: HAIKU };
    const burst = [
      ['error-rate-warning-haiku', 'warning', haiku],
      ['error-rate-warning-all', 'warning', {}],
      ['error-rate-critical-haiku', 'critical', haiku],
      ['error-rate-critical-all', 'critical', {}],
    ] as const;
    const change = (
      key: string,
      level: string,
      dimensions: Record<string, string>,
      state: 'ALARM' | 'OK',
    ) => [
      {
        messageId: `${key}-${state}`,
        topicArn: `arn:aws:sns:eu-west-1:123456789012:${PREFIX}-${level}`,
        message: alarmMessage({ key, state, atMs: clock.now, dimensions, metricName: 'Errors', period: 300 }),
      },
    ];

    for (const [key, level, dims] of burst) {
      firing.add(key);
      await handleNotifications(deps, change(key, level, dims, 'ALARM'));
    }
    for (let m = 1; m <= 20; m++) {
      clock.now = T0 + m * 60_000;
      await handleTick(deps);
    }
    for (const [key, level, dims] of burst.slice(0, 3)) {
      firing.delete(key);
      await handleNotifications(deps, change(key, level, dims, 'OK'));
    }
    const beforeLast = receiver.requests.length;
    clock.now = T0 + 25 * 60_000;
    firing.clear();
    await handleNotifications(deps, change('error-rate-critical-all', 'critical', {}, 'OK'));
    clock.now = T0 + 26 * 60_000;
    await handleTick(deps);

    const pd = receiver.on('/v2/enqueue').map((r) => r.json);
    expect(pd.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(new Set(pd.map((e) => e.dedup_key)).size).toBe(1);
    const genie = receiver.requests.filter((r) => r.path.startsWith('/v2/alerts'));
    expect(genie.map((r) => (r.path.includes('/close') ? 'close' : 'create'))).toEqual(['create', 'close']);
    expect(genie[0]?.json.alias).toBe(pd[0]?.dedup_key);
    expect(receiver.requests.length - beforeLast).toBe(3);
    const slack = receiver.on('/slack').map((r) => r.json.text as string);
    expect(slack).toHaveLength(3);
    expect(slack[0]).toMatch(/^\[WARNING\]/);
    expect(slack[1]).toMatch(/^\[CRITICAL\]/);
    expect(slack[2]).toMatch(/^\[RESOLVED\]/);
  });
});

describe('hold-down before resolving (real HTTP on 127.0.0.1)', () => {
  it('a flapping error alarm opens one PagerDuty incident and one Opsgenie alert and resolves them 15 minutes after the last OK', async () => {
    const clock = { now: T0 };
    let firing = false;
    let since = T0;
    const { deps } = testNotifier({
      receiverUrl: receiver.url,
      escalationPolicy: '0:pagerduty,opsgenie',
      resolveAfterMinutes: 15,
      clock,
      inAlarm: () => Promise.resolve(firing ? [describedAlarm('error-rate-critical-all', since)] : []),
      byName: (names) =>
        Promise.resolve(
          names.map((n) => describedAlarm(n.slice(PREFIX.length + 1), since, 'critical', 'OK')),
        ),
    });
    const flip = (state: 'ALARM' | 'OK') => {
      firing = state === 'ALARM';
      since = clock.now;
      return handleNotifications(
        deps,
        records(
          alarmMessage({
            key: 'error-rate-critical-all',
            state,
            atMs: clock.now,
            metricName: 'Errors',
            period: 300,
          }),
          `flip-${state}-${clock.now}`,
        ),
      );
    };
    const minute = async (m: number) => {
      clock.now = T0 + m * 60_000;
      await handleTick(deps);
    };

    await flip('ALARM');
    for (const [m, state] of [
      [3, 'OK'],
      [4, 'ALARM'],
      [6, 'OK'],
      [7, 'ALARM'],
      [9, 'OK'],
    ] as const) {
      await minute(m - 0.5);
      clock.now = T0 + m * 60_000;
      await flip(state);
    }
    for (let m = 10; m < 24; m++) await minute(m);
    const beforeHold = receiver.requests.map((r) => r.path);
    await minute(24);
    await minute(25);

    expect(beforeHold).toEqual(['/v2/enqueue', '/v2/alerts']);
    const pd = receiver.on('/v2/enqueue').map((r) => r.json);
    expect(pd.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(new Set(pd.map((e) => e.dedup_key)).size).toBe(1);
    const genie = receiver.requests.filter((r) => r.path.startsWith('/v2/alerts'));
    expect(genie.map((r) => (r.path.includes('/close') ? 'close' : 'create'))).toEqual(['create', 'close']);
  });
});

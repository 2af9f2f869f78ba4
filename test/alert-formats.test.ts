import { describe, expect, it } from 'vitest';
import { parseAlarmNotification } from '../shared/alerts/alarm-event';
import { DEFAULT_RETRY, deliver } from '../shared/alerts/delivery';
import { clip } from '../shared/alerts/destinations/request';
import { slackRequest } from '../shared/alerts/destinations/slack';
import { teamsRequest } from '../shared/alerts/destinations/teams';
import { FAMILY_GUIDES, familyOf } from '../shared/alerts/families';
import { parseNotifierConfig } from '../shared/alerts/notifier-config';
import { parsePolicy, parseTargets } from '../shared/alerts/routing';
import { parseDestinationSecret } from '../shared/alerts/secrets';
import { AlertSpecError } from '../shared/alerts/spec-error';
import { type AlertView, alertView } from '../shared/alerts/view';
import { buildAlarmDefinitions } from '../shared/monitoring/alarms/index';
import { parseStackParameters } from '../shared/monitoring/parameters';

const CTX = {
  namePrefix: 'bw-test',
  ingestFunctionName: 'bw-test-ingest',
  ingestLogGroupName: '/aws/lambda/bw-test-ingest',
  failureQueueName: 'bw-test-ingest-failures',
};
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const EVERYTHING = parseStackParameters({
  watchedModels: HAIKU,
  quotas: `${HAIKU}=1000:10`,
  monthlyBudgetUsd: '100',
  modelBudgets: `${HAIKU}=50`,
  attributionKeys: 'team',
  teamBudgets: 'team/search=10',
  tokenSpikeAlarms: 'true',
  alertTargets: 'slack=slack:ssm:/bw/slack',
});

describe('alert family guides', () => {
  it('has a guide for every family the stack defines, and finds each alarm family from its name', () => {
    const defs = buildAlarmDefinitions(EVERYTHING, CTX);

    for (const d of defs) {
      expect(FAMILY_GUIDES[d.family], d.family).toBeDefined();
      expect(familyOf(d.name, CTX.namePrefix), d.name).toEqual({ family: d.family, key: d.key });
    }
    expect(familyOf('other-stack-budget-90-all', CTX.namePrefix)).toBeUndefined();
  });
});

describe('alarm notifications', () => {
  it('reads a metric-math alarm: dimensions and period from its first metric, the time with its +0000 offset', () => {
    const message = JSON.stringify({
      AlarmName: 'bw-test-token-spike-critical-all',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:bw-test-token-spike-critical-all',
      NewStateValue: 'ALARM',
      NewStateReason:
        'Threshold Crossed: 1 out of the last 1 datapoints [72.5 (01/11/25 09:00:00)] was greater than the threshold (50.0)',
      StateChangeTime: '2025-11-01T09:01:00.123+0000',
      Trigger: {
        Period: 3600,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 50,
        Metrics: [
          { Expression: 'IF(base >= 10000, 100 * (tok - base) / base, 0)', Id: 'spike', ReturnData: true },
          {
            Id: 'tok',
            MetricStat: {
              Metric: {
                Dimensions: [{ value: HAIKU, name: 'ModelId' }],
                MetricName: 'TokensLastHour',
                Namespace: 'BedrockWatch',
              },
              Period: 3600,
              Stat: 'Maximum',
            },
            ReturnData: false,
          },
        ],
      },
    });

    const event = parseAlarmNotification(message);

    expect(event).toMatchObject({
      state: 'ALARM',
      atMs: Date.parse('2025-11-01T09:01:00.123Z'),
      region: 'us-east-1',
      account: '123456789012',
      dimensions: { ModelId: HAIKU },
      value: 72.5,
      threshold: 50,
      periodSeconds: 3600,
    });
  });

  it.each([
    ['not json', 'not-json'],
    ['{"NewStateValue":"ALARM"}', 'not-an-alarm'],
    [
      '{"AlarmName":"a","NewStateValue":"MAYBE","StateChangeTime":"2025-11-01T09:01:00.000+0000"}',
      'bad-state',
    ],
    ['{"AlarmName":"a","NewStateValue":"OK","StateChangeTime":"yesterday"}', 'bad-time'],
  ])('rejects %s with a reason', (message, reason) => {
    expect(parseAlarmNotification(message)).toEqual({ rejected: reason });
  });
});

describe('routing specs', () => {
  it('reads targets with their secret names and a policy over them', () => {
    const targets = parseTargets('slack=slack:ssm:/bw/slack;pd=pagerduty:secretsmanager:bw/pd');

    const policy = parsePolicy('0:slack;15:pd', targets);

    expect(targets).toEqual([
      { name: 'slack', type: 'slack', secret: { store: 'ssm', name: '/bw/slack' } },
      { name: 'pd', type: 'pagerduty', secret: { store: 'secretsmanager', name: 'bw/pd' } },
    ]);
    expect(policy).toEqual([
      { afterMinutes: 0, targets: ['slack'] },
      { afterMinutes: 15, targets: ['pd'] },
    ]);
    expect(parsePolicy('', targets)).toEqual([{ afterMinutes: 0, targets: ['slack', 'pd'] }]);
  });

  it('leaves paging destinations out of an empty warning policy, so a warning pages nobody unless asked', () => {
    const config = parseNotifierConfig(
      JSON.stringify({
        namePrefix: 'bw-test',
        namespace: 'BedrockWatch',
        service: 'bedrock-watch',
        targets: 'slack=slack:ssm:/s;pd=pagerduty:ssm:/p;og=opsgenie:ssm:/o;hook=webhook:ssm:/h',
        escalationPolicy: '',
        warningPolicy: '',
        tableName: 't',
        topics: { warning: 'bw-test-warning', critical: 'bw-test-critical' },
        dashboards: {},
        attributionKeys: [],
      }),
    );

    expect(config.policies).toEqual({
      warning: [{ afterMinutes: 0, targets: ['slack', 'hook'] }],
      critical: [{ afterMinutes: 0, targets: ['slack', 'pd', 'og', 'hook'] }],
    });
  });

  it.each([
    ['slack=slack:s3:/x', '', 'secrets come from ssm or secretsmanager'],
    ['slack=sms:ssm:/x', '', 'type "sms" is not one of'],
    ['slack=slack:ssm:/x', '0:pagerduty', 'no target is named "pagerduty"'],
    ['slack=slack:ssm:/x', '15:slack;0:slack', 'steps must be in increasing minutes'],
    ['slack=slack:ssm:/x', '1441:slack', 'within 1440 minutes'],
  ])('refuses targets %s with policy "%s"', (targets, policy, message) => {
    const act = () => parsePolicy(policy, parseTargets(targets));

    expect(act).toThrow(AlertSpecError);
    expect(act).toThrow(message);
  });
});

describe('destination secrets', () => {
  it('accepts a bare value or JSON with an EU endpoint', () => {
    expect(parseDestinationSecret('pagerduty', 'R0123456789abcdef0123456789abcde')).toEqual({
      type: 'pagerduty',
      routingKey: 'R0123456789abcdef0123456789abcde',
      endpoint: 'https://events.pagerduty.com/v2/enqueue',
    });
    expect(
      parseDestinationSecret('opsgenie', '{"apiKey":"key-123456","apiUrl":"https://api.eu.opsgenie.com"}'),
    ).toEqual({
      type: 'opsgenie',
      apiKey: 'key-123456',
      apiUrl: 'https://api.eu.opsgenie.com',
    });
  });

  it.each([
    ['slack', 'http://hooks.example.com/x', 'must be an https URL'],
    ['teams', 'not a url', 'is not a URL'],
    ['pagerduty', 'short-key', '32-character integration key'],
    ['webhook', '{"url": 3', 'starts like JSON but is not JSON'],
  ] as const)('refuses a %s secret without quoting it', (type, value, message) => {
    const act = () => parseDestinationSecret(type, value);

    expect(act).toThrow(message);
    try {
      act();
    } catch (error) {
      expect(String(error)).not.toContain(value);
    }
  });
});

describe('Slack message', () => {
  it('stays within Block Kit limits and escapes what Slack would read as markup', () => {
    const event = parseAlarmNotification(
      JSON.stringify({
        AlarmName: `bw-test-budget-90-${'x'.repeat(200)}`,
        AlarmDescription: 'Spend <!channel> & more. Why these settings: because',
        NewStateValue: 'ALARM',
        NewStateReason: 'r',
        StateChangeTime: '2025-11-01T09:01:00.000+0000',
        AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:x',
      }),
    );
    const view = alertView(event as never, 'critical', {
      namePrefix: 'bw-test',
      dashboards: {},
    }) as AlertView;

    const body = JSON.parse(slackRequest(view, 'trigger', 'https://hooks.example/x').body);

    expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(150);
    expect(body.blocks[1].text.text).toContain('Spend &lt;!channel&gt; &amp; more');
    for (const block of body.blocks) {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.fields) expect(block.fields.length).toBeLessThanOrEqual(10);
    }
  });
});

describe('destination safety and layout (issue 22, defects 9 and 10)', () => {
  const viewOf = (over: Record<string, unknown> = {}) =>
    alertView(
      parseAlarmNotification(
        JSON.stringify({
          AlarmName: 'bw-test-budget-90-team-x',
          AlarmDescription: 'Spend. Why these settings: because',
          NewStateValue: 'ALARM',
          NewStateReason: 'r',
          StateChangeTime: '2025-11-01T09:01:00.000+0000',
          AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:bw-test-budget-90-team-x',
          ...over,
        }),
      ) as never,
      'critical',
      { namePrefix: 'bw-test', dashboards: {} },
    ) as AlertView;

  it.each([
    ['slack', 'http://127.0.0.1:9001/2018-06-01/runtime/invocation/next'],
    ['slack', 'http://localhost/x'],
    ['webhook', 'https://127.0.0.1/x'],
    ['webhook', 'https://10.1.2.3/x'],
    ['webhook', 'https://169.254.169.254/latest/meta-data'],
    ['webhook', 'https://[::1]/x'],
    ['webhook', 'https://[fd00::1]/x'],
    ['teams', 'https://192.168.0.10/x'],
    ['teams', 'https://metadata.google.internal/x'],
    [
      'pagerduty',
      '{"routingKey":"R0123456789abcdef0123456789abcde","endpoint":"https://events.example.com/v2/enqueue"}',
    ],
    ['opsgenie', '{"apiKey":"key-123456","apiUrl":"https://api.opsgenie.example.com"}'],
  ] as const)('9: refuses a %s secret pointing at %s', (type, value) => {
    expect(() => parseDestinationSecret(type, value)).toThrow(AlertSpecError);
  });

  it('9: accepts the documented PagerDuty and Opsgenie hosts, EU included', () => {
    const pd = parseDestinationSecret(
      'pagerduty',
      '{"routingKey":"R0123456789abcdef0123456789abcde","endpoint":"https://events.eu.pagerduty.com/v2/enqueue"}',
    );
    const og = parseDestinationSecret(
      'opsgenie',
      '{"apiKey":"key-123456","apiUrl":"https://api.eu.opsgenie.com"}',
    );

    expect(pd).toMatchObject({ endpoint: 'https://events.eu.pagerduty.com/v2/enqueue' });
    expect(og).toMatchObject({ apiUrl: 'https://api.eu.opsgenie.com' });
  });

  it('10: escapes Slack’s top-level text, so a team named <!channel> pings nobody', () => {
    const view = viewOf({ Trigger: { Dimensions: [{ name: 'team', value: '<!channel> & co' }] } });

    const body = JSON.parse(slackRequest(view, 'trigger', 'https://hooks.example/x').body);

    expect(body.text).not.toContain('<!channel>');
    expect(body.text).toContain('&lt;!channel&gt; &amp; co');
  });

  it('10: Teams shows attribution values as text, never as Markdown links', () => {
    const view = {
      ...viewOf(),
      contributors: {
        dimension: 'team',
        metric: 'CostUSD',
        window: 'this month',
        top: [{ name: '[click](https://evil.example)', value: 3 }],
      },
    };

    const body = teamsRequest(view, 'trigger', 'https://teams.example/x').body;

    expect(body).not.toContain('[click](https://evil.example)');
    expect(
      JSON.parse(body)
        .attachments[0].content.body.map((b: { text?: string }) => b.text ?? '')
        .join('\n'),
    ).toContain('\\[click\\]\\(https://evil.example\\)');
  });

  it('10: keeps a Teams card under the 28 KB message limit', () => {
    const view = { ...viewOf(), rationale: 'why '.repeat(10_000), runbook: ['step '.repeat(5_000)] };

    const body = teamsRequest(view, 'trigger', 'https://teams.example/x').body;

    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(28_000);
    expect(JSON.parse(body).attachments[0].content.type).toBe('AdaptiveCard');
  });

  it('10: clips by characters without splitting an emoji', () => {
    const clipped = clip('😀'.repeat(100), 152);

    expect(clipped.length).toBeLessThanOrEqual(152);
    expect(clipped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(clipped.endsWith('…')).toBe(true);
  });

  it('10: does not call an INSUFFICIENT_DATA close "Back to OK"', () => {
    const view = { ...viewOf(), state: 'INSUFFICIENT_DATA' as const };

    const slack = slackRequest(view, 'resolve', 'https://hooks.example/x').body;
    const teams = teamsRequest(view, 'resolve', 'https://teams.example/x').body;

    expect(slack).not.toContain('Back to OK');
    expect(teams).not.toContain('Back to OK');
    expect(slack).toContain('INSUFFICIENT_DATA');
  });
});

describe('delivery retries (issue 22, defects 4, 5 and 10)', () => {
  const request = { url: 'https://x.example/', method: 'POST' as const, headers: {}, body: '{}' };

  it('10: names a network error by its cause code, not "TypeError"', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });

    const result = await deliver(() => Promise.reject(refused), request, {
      ...DEFAULT_RETRY,
      sleep: () => Promise.resolve(),
    });

    expect(result).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });

  it('4: honours a short Retry-After and leaves a long one to a later run', async () => {
    const slept: number[] = [];
    let calls = 0;
    const short = await deliver(
      () => Promise.resolve(++calls === 1 ? { status: 429, retryAfter: '2' } : { status: 202 }),
      request,
      { ...DEFAULT_RETRY, sleep: (ms) => Promise.resolve(void slept.push(ms)) },
    );
    calls = 0;
    const long = await deliver(
      () => Promise.resolve(++calls === 1 ? { status: 503, retryAfter: '120' } : { status: 202 }),
      request,
      { ...DEFAULT_RETRY, sleep: (ms) => Promise.resolve(void slept.push(ms)) },
    );

    expect(short).toMatchObject({ ok: true, attempts: 2 });
    expect(long).toMatchObject({ ok: false, attempts: 1, retryAfterMs: 120_000 });
    expect(slept).toEqual([2000]);
  });

  it('5: starts no attempt that could not finish before the deadline', async () => {
    const clock = { now: 0 };
    let calls = 0;
    const timeout = () => {
      calls++;
      clock.now += 6000;
      return Promise.reject(new DOMException('timed out', 'TimeoutError'));
    };

    const result = await deliver(timeout, request, {
      ...DEFAULT_RETRY,
      idempotent: true,
      timeoutMs: 5000,
      deadlineMs: 14_000,
      now: () => clock.now,
      sleep: (ms) => {
        clock.now += ms;
        return Promise.resolve();
      },
    });

    expect(calls).toBe(2);
    expect(result).toMatchObject({ ok: false, permanent: false });
  });
});

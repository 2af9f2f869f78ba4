/**
 * A test alert (issue 22): `bedrock-watch alerts test` invokes the deployed notifier, which sends a
 * clearly marked test message to each destination (real HTTP here), stores nothing, and answers
 * with each destination's result; the CLI turns that answer into lines and an exit code.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main as alertsMain } from '../cli/alerts/command';
import { alertsTest, notifierFunctionName } from '../cli/alerts/test';
import { createNotifierHandler } from '../functions/notifier/handler';
import { TEST_HEADLINE, type TestAlertReport } from '../shared/alerts/test-alert';
import { PREFIX, testNotifier } from './support/alert-helpers';
import { context } from './support/helpers';
import { type HttpReceiver, startReceiver } from './support/http-receiver';

const T0 = Date.parse('2025-11-01T09:01:00Z');
const lambda = mockClient(LambdaClient);
const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const decode = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b));

let receiver: HttpReceiver;
beforeEach(async () => {
  lambda.reset();
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

function notifier() {
  const { deps, store, logger, metrics } = testNotifier({
    receiverUrl: receiver.url,
    escalationPolicy: '0:slack;15:pagerduty',
    clock: { now: T0 },
  });
  const handler = createNotifierHandler(deps, logger, metrics);
  const invoke = (payload: unknown) =>
    handler(payload as never, context) as unknown as Promise<TestAlertReport & { outcomes: unknown[] }>;
  return { invoke, store };
}

const testRequest = (target: string | null, requestedBy = 'ana@laptop') => ({
  bedrockWatchTest: { target, requestedBy },
});

describe('the notifier on a test request (real HTTP receivers)', () => {
  it('sends every destination one marked test message, resolves PagerDuty and Opsgenie at once, and stores nothing', async () => {
    const { invoke, store } = notifier();

    const report = await invoke(testRequest(null));

    const [slack] = receiver.on('/slack');
    expect(receiver.on('/slack')).toHaveLength(1);
    expect(slack?.json.blocks[0].text.text).toBe(TEST_HEADLINE);
    expect(slack?.json.text).toContain('requested by ana@laptop');
    expect(receiver.on('/teams')).toHaveLength(1);
    expect(receiver.on('/teams')[0]?.body).toContain(TEST_HEADLINE);
    expect(receiver.on('/hook').map((r) => [r.json.test, r.json.alert.headline])).toEqual([
      [true, TEST_HEADLINE],
    ]);
    // Two PagerDuty destinations: each a trigger of severity info, then its resolve, under a test key.
    const pd = receiver.on('/v2/enqueue').map((r) => r.json);
    expect(pd.map((b) => b.event_action).sort()).toEqual(['resolve', 'resolve', 'trigger', 'trigger']);
    for (const b of pd.filter((x) => x.event_action === 'trigger')) expect(b.payload.severity).toBe('info');
    expect(new Set(pd.map((b) => b.dedup_key))).toEqual(new Set([`bedrock-watch-test/${PREFIX}/${T0}`]));
    const genie = receiver.on('/v2/alerts').map((r) => r.json);
    expect(genie.map((b) => [b.message, b.priority])).toEqual([[TEST_HEADLINE, 'P5']]);
    expect(receiver.requests.filter((r) => r.path.includes('/close?identifierType=alias'))).toHaveLength(1);
    expect(store.writes).toBe(0);
    expect(store.size()).toBe(0);
    expect(report.outcomes).toEqual([]);
    expect(
      report.bedrockWatchTest.results.map((r) => [r.target, r.ok, r.answers.map((a) => a.status)]).sort(),
    ).toEqual([
      ['hook', true, [202]],
      ['opsgenie', true, [202, 202]],
      ['pagerduty', true, [202, 202]],
      ['pagerduty-high', true, [202, 202]],
      ['slack', true, [202]],
      ['teams', true, [202]],
    ]);
  });

  it('sends only to the destination named', async () => {
    const { invoke } = notifier();

    const report = await invoke(testRequest('slack'));

    expect(receiver.requests.map((r) => r.path)).toEqual(['/slack']);
    expect(report.bedrockWatchTest.results.map((r) => r.target)).toEqual(['slack']);
  });

  it('reports a refused destination with its status, delivers the others, and resolves nothing it did not open', async () => {
    receiver.respond('/teams', 404);
    receiver.respond('/v2/enqueue', 400);
    const { invoke } = notifier();

    const report = await invoke(testRequest(null));
    const byTarget = new Map(report.bedrockWatchTest.results.map((r) => [r.target, r]));

    expect(byTarget.get('teams')).toEqual({
      target: 'teams',
      type: 'teams',
      ok: false,
      answers: [{ request: 'alert', status: 404, error: 'HTTP 404' }],
    });
    expect(byTarget.get('pagerduty')?.answers).toEqual([
      { request: 'alert', status: 400, error: 'HTTP 400' },
    ]);
    expect(receiver.on('/v2/enqueue').map((r) => r.json.event_action)).toEqual(['trigger', 'trigger']);
    expect(byTarget.get('slack')?.ok).toBe(true);
  });

  it('names an unknown destination and a malformed request without sending anything', async () => {
    const { invoke } = notifier();

    const unknown = await invoke(testRequest('slak'));
    const malformed = await invoke({ bedrockWatchTest: { target: 'Not A Name' } });

    expect(unknown.bedrockWatchTest.error?.code).toBe('unknown-target');
    expect(unknown.bedrockWatchTest.error?.message).toContain('slack, teams, pagerduty');
    expect(malformed.bedrockWatchTest.error?.code).toBe('bad-request');
    expect(receiver.requests).toEqual([]);
  });

  it('keeps markup out of the message: the requester is reduced to plain characters', async () => {
    const { invoke } = notifier();

    await invoke(testRequest('slack', '<!channel> [x](https://evil.example)'));

    expect(receiver.on('/slack')[0]?.body).not.toMatch(/<!channel>|evil\.example\)/);
    expect(receiver.on('/slack')[0]?.json.text).toContain('requested by channelxhttpsevil.example');
  });
});

describe('bedrock-watch alerts test (against a mocked Lambda)', () => {
  const options = {
    functionName: notifierFunctionName('bedrock-watch', 'prod'),
    region: 'eu-west-1',
    target: null,
    requestedBy: 'ana@laptop',
    json: false,
  };

  it('invokes the notifier synchronously and prints each destination delivered, exit 0 (end to end)', async () => {
    const { invoke } = notifier();
    lambda.on(InvokeCommand).callsFake(async (input) => ({
      StatusCode: 200,
      Payload: encode(await invoke(decode(input.Payload))),
    }));

    const outcome = await alertsTest(options, new LambdaClient({ region: 'eu-west-1' }));

    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call?.args[0].input).toMatchObject({
      FunctionName: 'bedrock-watch-prod-notifier',
      InvocationType: 'RequestResponse',
    });
    expect(decode(call?.args[0].input.Payload as Uint8Array)).toEqual({
      bedrockWatchTest: { target: null, requestedBy: 'ana@laptop' },
    });
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('Test alert through bedrock-watch-prod-notifier (eu-west-1)');
    expect(outcome.stdout).toMatch(/ {2}pagerduty\s+pagerduty\s+delivered {2}HTTP 202, resolved HTTP 202/);
    expect(outcome.stdout).toMatch(/ {2}opsgenie\s+opsgenie\s+delivered {2}HTTP 202, closed HTTP 202/);
    expect(outcome.stdout).toContain('All 6 destination(s) accepted the test alert.');
  });

  it('exits 1 when a destination refused, naming it and its answer', async () => {
    const report: TestAlertReport = {
      bedrockWatchTest: {
        results: [
          { target: 'slack', type: 'slack', ok: true, answers: [{ request: 'alert', status: 200 }] },
          {
            target: 'pagerduty',
            type: 'pagerduty',
            ok: false,
            answers: [{ request: 'alert', status: 400, error: 'HTTP 400' }],
          },
        ],
      },
    };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode(report) as never });

    const outcome = await alertsTest(options, new LambdaClient({ region: 'eu-west-1' }));
    const json = await alertsTest({ ...options, json: true }, new LambdaClient({ region: 'eu-west-1' }));

    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/ {2}pagerduty\s+pagerduty\s+FAILED\s+HTTP 400/);
    expect(outcome.stdout).toContain('1 of 2 destination(s) did not accept it');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual(report.bedrockWatchTest);
  });

  it('exits 2 for a destination the stack does not have, 1 when nothing is configured', async () => {
    lambda
      .on(InvokeCommand)
      .resolvesOnce({
        StatusCode: 200,
        Payload: encode({
          bedrockWatchTest: {
            results: [],
            error: { code: 'unknown-target', message: 'no destination is named "x"' },
          },
        }) as never,
      })
      .resolvesOnce({
        StatusCode: 200,
        Payload: encode({
          bedrockWatchTest: { results: [], error: { code: 'no-targets', message: 'none' } },
        }) as never,
      });
    const client = new LambdaClient({ region: 'eu-west-1' });

    const unknown = await alertsTest({ ...options, target: 'x' }, client);
    const none = await alertsTest(options, client);

    expect([unknown.code, unknown.stderr]).toEqual([2, 'alerts: no destination is named "x"\n']);
    expect(none.code).toBe(1);
  });

  it('says what to do when the function is missing, not allowed, failing or too old, exit 1', async () => {
    const client = new LambdaClient({ region: 'eu-west-1' });
    const missing = Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    lambda
      .on(InvokeCommand)
      .rejectsOnce(missing)
      .rejectsOnce(denied)
      .resolvesOnce({
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: encode({
          errorType: 'AlertSpecError',
          errorMessage: 'BEDROCK_WATCH_NOTIFIER is missing',
        }) as never,
      })
      .resolvesOnce({
        StatusCode: 200,
        Payload: encode({ outcomes: [], rejected: [{ reason: 'unknown-event' }] }) as never,
      });

    const outcomes: Awaited<ReturnType<typeof alertsTest>>[] = [];
    for (let i = 0; i < 4; i++) outcomes.push(await alertsTest(options, client));

    expect(outcomes.map((o) => o.code)).toEqual([1, 1, 1, 1]);
    expect(outcomes[0]?.stderr).toContain('no function bedrock-watch-prod-notifier in eu-west-1');
    expect(outcomes[1]?.stderr).toContain('needs lambda:InvokeFunction');
    expect(outcomes[2]?.stderr).toContain(
      'the notifier failed: AlertSpecError: BEDROCK_WATCH_NOTIFIER is missing',
    );
    expect(outcomes[3]?.stderr).toContain('predates test alerts, redeploy');
  });

  it('prints its usage with --help and refuses a bad subcommand or target name with exit 2', async () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((c: string) => out.push(c) > 0) as typeof process.stdout.write;
    process.stderr.write = ((c: string) => out.push(c) > 0) as typeof process.stderr.write;
    let codes: number[];
    try {
      codes = [
        await alertsMain(['--help']),
        await alertsMain(['send']),
        await alertsMain(['test', '--target', 'Bad Name']),
        await alertsMain(['test', '--no-such-flag']),
      ];
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }

    expect(codes).toEqual([0, 2, 2, 2]);
    expect(out[0]).toMatch(/^usage: bedrock-watch alerts test/);
    for (const flag of ['--target', '--stage', '--region', '--service', '--json', '--help', 'example'])
      expect(out[0]).toContain(flag);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});

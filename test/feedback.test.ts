import { describe, expect, it } from 'vitest';
import { runReplay } from '../cli/replay/run';
import { FEEDBACK_FILTER_PATTERN } from '../deploy/stack/feedback';
import { buildStack } from '../deploy/stack/index';
import { FEEDBACK_SCHEMA_TYPE } from '../shared/contract/feedback';
import { METRIC } from '../shared/contract/metrics';
import { parseFeedbackRecord } from '../shared/ingest/2-feedback';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { fixturePath } from './support/helpers';
import { cfnLint, packageTemplate } from './support/stack-helpers';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const NOW = Date.parse('2025-06-12T15:00:00Z');
const record = (fields: Record<string, unknown>) =>
  JSON.stringify({
    schemaType: FEEDBACK_SCHEMA_TYPE,
    schemaVersion: '1.0',
    timestamp: '2025-06-12T14:11:20Z',
    requestId: '00000001-0000-4000-8000-000000000001',
    modelId: HAIKU,
    score: 1,
    ...fields,
  });

describe('parseFeedbackRecord', () => {
  it('keeps the ids, the score and the two short words, nothing else', () => {
    const result = parseFeedbackRecord(record({ label: 'thumbs', team: 'support', comment: 'free text' }), {
      nowMs: NOW,
    });

    expect(result).toEqual({
      ok: true,
      feedback: {
        timeMs: Date.parse('2025-06-12T14:11:20Z'),
        requestId: '00000001-0000-4000-8000-000000000001',
        modelId: HAIKU,
        score: 1,
        label: 'thumbs',
        team: 'support',
      },
    });
  });

  it.each([
    [{ score: 1.5 }, 'invalid-field:feedback.score'],
    [{ score: -0.1 }, 'invalid-field:feedback.score'],
    [{ score: '1' }, 'invalid-field:feedback.score'],
    [{ requestId: 'not an id' }, 'invalid-field:feedback.requestId'],
    [{ modelId: '' }, 'invalid-field:feedback.modelId'],
    [{ label: 'two words' }, 'invalid-field:feedback.label'],
    [{ team: 7 }, 'invalid-field:feedback.team'],
    [{ timestamp: 'yesterday' }, 'invalid-field:feedback.timestamp'],
  ])('rejects %o as %s', (fields, reason) => {
    const result = parseFeedbackRecord(record(fields), { nowMs: NOW });

    expect(result?.ok).toBe(false);
    expect(result?.ok === false && result.rejection.reason).toBe(reason);
  });

  it('rejects feedback outside CloudWatch’s acceptance window, as the function must', () => {
    const result = parseFeedbackRecord(record({}), { nowMs: Date.parse('2025-07-12T15:00:00Z') });

    expect(result?.ok === false && result.rejection.reason).toBe('outside-time-window');
  });

  it('leaves any other record to the invocation parser', () => {
    expect(parseFeedbackRecord('{"schemaType":"ModelInvocationLog"}', { nowMs: NOW })).toBeUndefined();
    expect(parseFeedbackRecord('not json', { nowMs: NOW })).toBeUndefined();
  });
});

describe('replay of feedback (events/fixtures/feedback-records.jsonl) beside invocations', () => {
  const replayed = runReplay({
    paths: [fixturePath('quality-records.jsonl'), fixturePath('feedback-records.jsonl')],
    writeLog: () => undefined,
    onWarning: () => undefined,
  });

  it('counts feedback records apart from invocations, and rejects the bad ones with their reason', async () => {
    const { summary } = await replayed;

    expect(summary.records).toMatchObject({ total: 29, accepted: 21, rejected: 4, feedback: 4 });
    expect(summary.records.rejectedByReason).toEqual({
      'invalid-field:feedback.score': 1,
      'invalid-field:feedback.requestId': 1,
      'invalid-field:feedback.label': 1,
      'invalid-field:feedback.modelId': 1,
    });
  });

  it('gives the count and average score per model, also for a minute without calls', async () => {
    const { summary } = await replayed;
    const quality = (id: string) => summary.models.find((m) => m.modelId === id)?.quality;

    expect(quality(HAIKU)).toMatchObject({ feedbackCount: 3, feedbackAverage: 0.583 });
    expect(quality(NOVA)).toMatchObject({ feedbackCount: 1, feedbackAverage: 0.5 });
    expect(summary.totals.quality).toMatchObject({ feedbackCount: 4, feedbackAverage: 0.563 });
    // Feedback adds no calls: the invocation figures are those of the quality fixtures alone.
    expect(summary.totals.invocations).toBe(21);
    expect(summary.models.find((m) => m.modelId === NOVA)?.invocations).toBe(2);
  });

  it('writes the scores as raw FeedbackScore values and no text', async () => {
    const { emf } = await replayed;
    const scores = emf
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .flatMap((d) =>
        Array.isArray(d[METRIC.feedbackScore.name]) ? (d[METRIC.feedbackScore.name] as number[]) : [],
      );

    expect(scores.sort()).toEqual([0, 0.5, 0.75, 1]);
    expect(emf.join('\n')).not.toMatch(/thumbs|support|search/);
  });
});

describe('the feedback log group', () => {
  const stack = (raw: Record<string, unknown>) =>
    buildStack(parseStackParameters(raw), { service: 'bedrock-watch', stage: 'prod' }).Resources;

  it('is created only when asked for (feedbackLogGroup=true)', () => {
    expect(Object.keys(stack({})).filter((k) => k.startsWith('Feedback'))).toEqual([]);
  });

  it('is created and subscribed to the ingest function, feedback records only', () => {
    const resources = stack({ feedbackLogGroup: 'true' });

    expect(resources.FeedbackLogGroup?.Properties).toMatchObject({
      LogGroupName: '/bedrock-watch-prod/feedback',
    });
    expect(resources.FeedbackSubscription?.Properties).toMatchObject({
      LogGroupName: '/bedrock-watch-prod/feedback',
      FilterPattern: FEEDBACK_FILTER_PATTERN,
    });
    expect(resources.FeedbackSubscriptionPermission?.Properties).toMatchObject({
      Principal: 'logs.amazonaws.com',
    });
    expect(FEEDBACK_FILTER_PATTERN).toBe('{ $.schemaType = "BedrockWatchFeedback" }');
  });

  it('goes through the Kinesis stream in kinesis mode, and is left out with feedbackLogGroup=false', () => {
    const kinesis = stack({ ingestMode: 'kinesis', feedbackLogGroup: 'true' });

    expect(kinesis.FeedbackSubscription?.Properties).toMatchObject({ RoleArn: expect.anything() });
    expect(kinesis.FeedbackSubscriptionPermission).toBeUndefined();
    expect(Object.keys(stack({ feedbackLogGroup: 'false' })).filter((k) => k.startsWith('Feedback'))).toEqual(
      [],
    );
  });

  it('packages cfn-lint clean, direct and through Kinesis, with its output', async () => {
    const { template: direct } = await packageTemplate({ feedbackLogGroup: 'true' });
    const { template: kinesis } = await packageTemplate({ feedbackLogGroup: 'true', ingestMode: 'kinesis' });

    const result = await cfnLint([direct, kinesis]);

    expect(result.problems, result.linter).toEqual([]);
    expect(direct.Resources.FeedbackSubscription?.Type).toBe('AWS::Logs::SubscriptionFilter');
    expect(kinesis.Resources.FeedbackSubscription?.Type).toBe('AWS::Logs::SubscriptionFilter');
    expect(JSON.stringify(direct.Outputs)).toContain('FeedbackLogGroupName');
  }, 240_000);
});

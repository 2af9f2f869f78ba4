import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { localIngestDependencies } from '../cli/common/local-ingest';
import { createIngestHandler } from '../functions/ingest/ingest';
import { SinkMetrics } from '../functions/ingest/sink-metrics';
import { SubscriptionDecodeError } from '../shared/ingest/1-decode';
import { loadIngestConfig } from '../shared/ingest/config';
import {
  ANSWER_CANARY,
  captureOutput,
  context,
  emfLines,
  line,
  makeEvent,
  makeHandler,
  makeRecord,
  modelDocs,
  PROMPT_CANARY,
  readFixture,
  T0,
} from './support/helpers';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

describe('ingest handler, end to end on a gzipped subscription event', () => {
  it('emits valid per-minute EMF for the batch, health metrics, and returns the counts', async () => {
    const dup = makeRecord({ time: T0 + 1000, latencyMs: 500 });
    const event = makeEvent([
      'Permissions are correctly set for Amazon Bedrock logs.',
      line(dup),
      line(dup),
      line(
        makeRecord({
          time: T0 + 2000,
          latencyMs: 700,
          operation: 'InvokeModelWithResponseStream',
          ttftMs: 200,
        }),
      ),
      line(makeRecord({ time: T0 + 61_000, errorCode: 'AccessDeniedException' })),
      line(makeRecord({ time: T0 + 62_000, modelId: 'amazon.nova-lite-v1:0', operation: 'InvokeModel' })),
    ]);
    const handler = makeHandler();

    const { result, stdout, error } = await captureOutput(() => handler(event, context));

    expect(error).toBeUndefined();
    expect(result).toEqual({
      received: 6,
      accepted: 4,
      duplicates: 1,
      rejected: 1,
      rejectedByReason: { 'not-json': 1 },
      documents: 3,
    });
    for (const doc of emfLines(stdout)) expect(doc).toBeValidEmf();
    const docs = modelDocs(stdout);
    expect(
      docs.map((d) => [d.ModelId, (d._aws as { Timestamp: number }).Timestamp - T0, d.Invocations]),
    ).toEqual([
      [HAIKU, 0, 2],
      ['amazon.nova-lite-v1:0', 60_000, 1],
      [HAIKU, 60_000, 1],
    ]);
    expect(docs[0]).toMatchObject({ Latency: [500, 700], TimeToFirstToken: [200], InputTokens: 200 });
    expect(docs[2]).toMatchObject({ AuthErrors: 1, LatencyUnavailable: 1 });
    expect(docs[2]?.CostUSD).toBeUndefined();
    const health = emfLines(stdout)
      .map((l) => JSON.parse(l))
      .filter((d) => 'RecordsReceived' in d || 'Reason' in d);
    expect(health.find((d) => 'RecordsReceived' in d)).toMatchObject({
      RecordsReceived: 6,
      RecordsAccepted: 4,
      DuplicateRecords: 1,
      RejectedRecords: 1,
      DeliveryLag: 60 * 60_000 - 1000,
      service: 'bedrock-watch',
    });
    expect(health.find((d) => 'Reason' in d)).toMatchObject({ Reason: 'not-json', RejectedRecords: 1 });
  });

  it('processes the sample event from the reference without failing', async () => {
    const event = JSON.parse(readFixture('subscription-lambda-event.json'));
    const handler = makeHandler({}, Date.parse('2025-06-12T15:00:00Z'));

    const { result, error, stdout } = await captureOutput(() => handler(event, context));

    expect(error).toBeUndefined();
    expect(result?.received).toBeGreaterThan(0);
    expect(result?.accepted).toBe(result?.received);
    for (const doc of emfLines(stdout)) expect(doc).toBeValidEmf();
  });

  it('ignores a CONTROL_MESSAGE without emitting model metrics', async () => {
    const handler = makeHandler();

    const { result, stdout } = await captureOutput(() =>
      handler(makeEvent(['probe'], 'CONTROL_MESSAGE'), context),
    );

    expect(result).toMatchObject({ received: 0, accepted: 0, documents: 0 });
    expect(modelDocs(stdout)).toHaveLength(0);
  });

  it('fails a batch it cannot decode before emitting anything about models', async () => {
    const handler = makeHandler();

    const { error, stdout } = await captureOutput(() =>
      handler({ awslogs: { data: 'not*base64' } }, context),
    );

    expect(error).toBeInstanceOf(SubscriptionDecodeError);
    expect((error as SubscriptionDecodeError).failure).toBe('invalid-base64');
    expect(modelDocs(stdout)).toHaveLength(0);
    const failure = emfLines(stdout)
      .map((l) => JSON.parse(l))
      .find((d) => 'BatchDecodeFailures' in d);
    expect(failure?.BatchDecodeFailures).toBe(1);
  });

  it("counts a latency beyond CloudWatch's range as unavailable, so the minute's document stays valid (defect 1)", async () => {
    const handler = makeHandler();
    const event = makeEvent([
      line(makeRecord({ latencyMs: 1e300 })),
      line(makeRecord({ operation: 'InvokeModelWithResponseStream', latencyMs: 700, ttftMs: 1e120 })),
    ]);

    const { stdout } = await captureOutput(() => handler(event, context));

    for (const doc of emfLines(stdout)) expect(doc).toBeValidEmf();
    const [doc] = modelDocs(stdout);
    expect(doc).toMatchObject({ Invocations: 2, LatencyUnavailable: 1, Latency: [700] });
    expect(doc?.TimeToFirstToken).toBeUndefined();
  });

  it('folds model ids beyond maxModelIds into Other, across batches, and warns once per new id (defect 8)', async () => {
    const handler = makeHandler({ config: loadIngestConfig({ BEDROCK_WATCH_MAX_MODEL_IDS: '2' }) });
    const models = [
      HAIKU,
      'amazon.nova-lite-v1:0',
      'amazon.nova-micro-v1:0',
      'meta.llama3-70b-instruct-v1:0',
    ];
    const first = makeEvent(models.map((modelId) => line(makeRecord({ modelId }))));
    const second = makeEvent([line(makeRecord({ modelId: 'amazon.nova-pro-v1:0' })), line(makeRecord())]);

    const one = await captureOutput(() => handler(first, context));
    const two = await captureOutput(() => handler(second, context));

    const ids = (out: string[]) => modelDocs(out).map((d) => [d.ModelId, d.Invocations]);
    expect(ids(one.stdout)).toEqual([
      ['Other', 2],
      ['amazon.nova-lite-v1:0', 1],
      [HAIKU, 1],
    ]);
    expect(ids(two.stdout)).toEqual([
      ['Other', 1],
      [HAIKU, 1],
    ]);
    // Other is priced with each call's own model: nova-micro and llama3-70b, both priced.
    expect(modelDocs(one.stdout)[0]?.CostUSD).toBeGreaterThan(0);
    const warnings = [...one.stderr, ...one.stdout, ...two.stdout, ...two.stderr]
      .filter((l) => l.includes('reported as Other'))
      .map((l) => JSON.parse(l));
    expect(warnings.map((w) => [w.folded, w.foldedModelIds])).toEqual([
      [['amazon.nova-micro-v1:0', 'meta.llama3-70b-instruct-v1:0'], 2],
      [['amazon.nova-pro-v1:0'], 3],
    ]);
  });

  it('never fails the batch for bad records', async () => {
    const handler = makeHandler();
    const bad = makeRecord();
    (bad.input as Record<string, unknown>).inputTokenCount = 'many';

    const { result, error } = await captureOutput(() =>
      handler(makeEvent([line(bad), '{"truncated":', 'null', 17, line(makeRecord())]), context),
    );

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ received: 5, accepted: 1, rejected: 4 });
    expect(result?.rejectedByReason).toEqual({
      'invalid-field:input.inputTokenCount': 1,
      'not-json': 1,
      'not-invocation-record': 1,
      'invalid-log-event': 1,
    });
  });

  it('does not throw once it has emitted, even when logging or writing fails', async () => {
    const logger = new Logger({ serviceName: 'bedrock-watch' });
    for (const method of ['info', 'warn', 'error'] as const) {
      logger[method] = () => {
        throw new Error('log sink broken');
      };
    }
    let emitted = 0;
    const handler = makeHandler({
      logger,
      emit: () => {
        emitted++;
        throw new Error('stdout closed');
      },
    });

    const { error, result } = await captureOutput(() =>
      handler(makeEvent([line(makeRecord()), 'junk']), context),
    );

    expect(error).toBeUndefined();
    expect(emitted).toBe(1);
    expect(result).toMatchObject({ accepted: 1, rejected: 1 });
  });

  it('writes no prompt or answer text to stdout or stderr, even at DEBUG with rejections', async () => {
    const handler = makeHandler();
    const broken = makeRecord();
    delete broken.modelId;

    const { stdout, stderr } = await captureOutput(() =>
      handler(
        makeEvent([
          line(makeRecord({ operation: 'InvokeModelWithResponseStream' })),
          line(makeRecord({ operation: 'Converse' })),
          line(broken),
          `${PROMPT_CANARY} is not json`,
          line(makeRecord()).slice(0, 300),
        ]),
        context,
      ),
    );

    const all = [...stdout, ...stderr].join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(PROMPT_CANARY);
    expect(all).not.toContain(ANSWER_CANARY);
    expect(all).toContain('Log event rejected');
  });
});

describe('ingest handler, Kinesis event shape', () => {
  it('treats a Kinesis batch of subscription payloads as one batch', async () => {
    const dup = makeRecord({ time: T0 + 1000 });
    const toRecord = (event: { awslogs: { data: string } }) => ({
      eventSource: 'aws:kinesis',
      kinesis: { data: event.awslogs.data },
    });
    const kinesisEvent = {
      Records: [
        toRecord(makeEvent([line(dup), 'junk'])),
        toRecord(makeEvent([line(dup), line(makeRecord({ time: T0 + 2000 }))])),
        toRecord(makeEvent(['probe'], 'CONTROL_MESSAGE')),
      ],
    };
    const handler = makeHandler();

    const { result, error } = await captureOutput(() => handler(kinesisEvent, context));

    expect(error).toBeUndefined();
    expect(result).toMatchObject({ received: 4, accepted: 2, duplicates: 1, rejected: 1 });
  });

  it('fails the whole Kinesis batch before emitting when one record cannot be decoded', async () => {
    const handler = makeHandler();

    const { error, stdout } = await captureOutput(() =>
      handler(
        {
          Records: [
            { kinesis: { data: makeEvent([line(makeRecord())]).awslogs.data } },
            { kinesis: { data: '%%' } },
          ],
        },
        context,
      ),
    );

    expect(error).toBeInstanceOf(SubscriptionDecodeError);
    expect(modelDocs(stdout)).toHaveLength(0);
  });
});

describe('ingest handler, the seam between the Lambda entry and the local tools', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('builds nothing when the Lambda entry is imported; the first invocation reads the settings', async () => {
    vi.stubEnv('BEDROCK_WATCH_MAX_MODEL_IDS', 'many');
    vi.resetModules();

    const entry = await import('../functions/ingest/handler');

    // A fresh module graph: its ConfigError is not this file's, so the message tells.
    await expect(entry.handler(makeEvent([]), context)).rejects.toThrow(/^maxModelIds: an integer/);
  });

  it('writes health metrics through the sink of the model documents, and nothing to stdout or stderr', async () => {
    // As in Lambda, so the cold-start metric is published too.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const lines: string[] = [];
    const logs: string[] = [];
    const deps = localIngestDependencies(
      {},
      { emit: (l) => lines.push(l), writeLog: (l) => logs.push(l), logLevel: 'WARN', now: () => T0 + 60_000 },
    );
    const handler = createIngestHandler(deps);

    const { result, stdout, stderr } = await captureOutput(() =>
      handler(makeEvent([line(makeRecord({ time: T0 })), 'junk']), context),
    );

    expect(result).toMatchObject({ received: 2, accepted: 1, rejected: 1 });
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([]);
    const docs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(docs.filter((d) => d.ModelId === HAIKU)).not.toEqual([]);
    expect(docs.find((d) => 'RecordsReceived' in d)).toMatchObject({
      RecordsReceived: 2,
      RejectedRecords: 1,
    });
    expect(docs.find((d) => 'Reason' in d)).toMatchObject({ Reason: 'not-json', RejectedRecords: 1 });
    expect(docs.find((d) => 'ColdStart' in d)).toMatchObject({ ColdStart: 1 });
    expect(logs.map((l) => JSON.parse(l).message)).toContain('Log event rejected');
  });

  it('serialises health metrics byte for byte as Powertools prints them', async () => {
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const viaSink: string[] = [];
    const sink = new SinkMetrics({ namespace: 'BedrockWatch', serviceName: 'bedrock-watch' }, (l) =>
      viaSink.push(l),
    );
    const plain = new Metrics({ namespace: 'BedrockWatch', serviceName: 'bedrock-watch' });
    const publish = (m: Metrics) => {
      m.captureColdStartMetric();
      m.setTimestamp(T0);
      m.addMetric('RecordsReceived', MetricUnit.Count, 3);
      m.publishStoredMetrics();
      m.singleMetric()
        .setTimestamp(T0)
        .addDimension('Reason', 'not-json')
        .addMetric('RejectedRecords', MetricUnit.Count, 1);
    };

    const { stdout } = await captureOutput(async () => publish(plain));
    publish(sink);

    expect(viaSink.map((l) => l.replace(/"Timestamp":\d+/, ''))).toEqual(
      stdout.map((l) => l.replace(/"Timestamp":\d+/, '')),
    );
    expect(viaSink).toHaveLength(3);
  });

  it('never logs its incoming event, even with POWERTOOLS_LOGGER_LOG_EVENT=true at DEBUG (issue 25, item 14)', async () => {
    vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.resetModules();
    const entry = await import('../functions/ingest/handler');
    const event = makeEvent([
      line(makeRecord({ operation: 'Converse', time: Date.now() - 60_000 })),
      `${PROMPT_CANARY} is not json`,
    ]);
    // Replay and the simulator hand the handler the decoded batch, the text in plain sight.
    const decoded = {
      messageType: 'DATA_MESSAGE' as const,
      logEvents: [{ id: '1', timestamp: T0, message: line(makeRecord({ time: T0 })) }],
    };
    const logs: string[] = [];
    const local = createIngestHandler(
      localIngestDependencies(
        {},
        { emit: () => undefined, writeLog: (l) => logs.push(l), logLevel: 'DEBUG', now: () => T0 },
      ),
      { decode: (input) => input as typeof decoded },
    );

    const { stdout, stderr, result } = await captureOutput(() => entry.handler(event, context));
    await local(decoded, context);

    expect(result).toMatchObject({ received: 2, accepted: 1, rejected: 1 });
    const all = [...stdout, ...stderr, ...logs].join('\n');
    expect(all).toContain('Log event rejected');
    // In Lambda the event is the gzipped batch: its base64 is the text one decode away.
    expect(all).not.toContain(event.awslogs.data.slice(0, 40));
    expect(all).not.toContain(PROMPT_CANARY);
    expect(all).not.toContain(ANSWER_CANARY);
    expect(all).not.toContain('Lambda invocation event');
  });

  it('every function adds the Lambda context through the one wrapper that turns event logging off', () => {
    const root = join(import.meta.dirname, '..', 'functions');
    const sources = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const direct = sources.filter(
      (f) =>
        f !== join('common', 'log-context.ts') &&
        readFileSync(join(root, f), 'utf8').includes('@aws-lambda-powertools/logger/middleware'),
    );
    const wrapped = sources.filter((f) => readFileSync(join(root, f), 'utf8').includes('withLambdaContext('));

    expect(direct).toEqual([]);
    // The six handlers: ingest, month-to-date, reconcile, logging-config, notifier, failover switch.
    expect(wrapped.length).toBeGreaterThanOrEqual(6);
  });

  it('takes the decode step, record times and batch callback only from a local run', async () => {
    const seen: number[] = [];
    const handler = makeHandler({}, T0);
    const local = createIngestHandler(
      {
        ...localIngestDependencies({}, { emit: () => undefined, writeLog: () => undefined, now: () => T0 }),
      },
      {
        decode: () => ({
          messageType: 'DATA_MESSAGE',
          logEvents: [{ id: '1', timestamp: 0, message: line(makeRecord({ time: T0 })) }],
        }),
        recordTimes: { sinceMs: T0 + 1 },
        onBatch: (result) => seen.push(result.counts.received),
      },
    );

    const { result: lambda } = await captureOutput(() => handler({ not: 'an event' }, context));
    const replayed = await local({ not: 'an event' }, context);

    expect(lambda).toBeUndefined();
    expect(replayed).toMatchObject({ received: 1, accepted: 0, filtered: 1 });
    expect(seen).toEqual([1]);
  });
});

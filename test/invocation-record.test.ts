import { describe, expect, it } from 'vitest';
import { MAX_RECORD_AGE_MS, MAX_RECORD_FUTURE_MS } from '../shared/contract/limits';
import { parseInvocationRecord } from '../shared/ingest/2-parse';
import { parseBatch } from '../shared/ingest/batch';
import {
  ANSWER_CANARY,
  type Delivery,
  fixtureLines,
  line,
  makeRecord,
  type Operation,
  PROMPT_CANARY,
  T0,
} from './support/helpers';

const NOW = T0 + 60_000;
const parse = (message: unknown, nowMs = NOW) => parseInvocationRecord(message, { nowMs, logEventId: 'e1' });
const parseOk = (record: unknown) => {
  const result = parse(line(record));
  if (!result.ok) throw new Error(`rejected: ${result.rejection.reason}`);
  return result.invocation;
};
const reasonOf = (message: unknown, nowMs = NOW) => {
  const result = parse(message, nowMs);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection.reason;
};

describe('parseInvocationRecord: the operation matrix', () => {
  // [operation, delivery, latency expected, ttft expected]
  const matrix: [Operation, Delivery, number | undefined, number | undefined][] = [
    ['Converse', 'bodies', 900, undefined],
    ['Converse', 's3', undefined, undefined],
    ['Converse', 'off', undefined, undefined],
    ['ConverseStream', 'bodies', 900, undefined],
    ['ConverseStream', 's3', undefined, undefined],
    ['ConverseStream', 'off', undefined, undefined],
    ['InvokeModel', 'bodies', undefined, undefined],
    ['InvokeModel', 's3', undefined, undefined],
    ['InvokeModel', 'off', undefined, undefined],
    ['InvokeModelWithResponseStream', 'bodies', 900, 300],
    ['InvokeModelWithResponseStream', 's3', undefined, undefined],
    ['InvokeModelWithResponseStream', 'off', undefined, undefined],
  ];

  it.each(matrix)(
    'reads %s with bodies %s: latency %s, time to first token %s',
    (operation, delivery, latency, ttft) => {
      const invocation = parseOk(makeRecord({ operation, delivery, latencyMs: 900, ttftMs: 300 }));

      expect(invocation.operation).toBe(operation);
      expect(invocation.latencyMs).toBe(latency);
      expect(invocation.timeToFirstTokenMs).toBe(ttft);
      expect(invocation.inputTokens).toBe(100);
      expect(invocation.outputTokens).toBe(50);
      expect(invocation.errorClass).toBeUndefined();
    },
  );

  it.each(['Converse', 'ConverseStream', 'InvokeModel', 'InvokeModelWithResponseStream'] as Operation[])(
    'keeps the error code and class of a failed %s, and no latency',
    (operation) => {
      const invocation = parseOk(makeRecord({ operation, errorCode: 'ThrottlingException' }));

      expect(invocation.errorCode).toBe('ThrottlingException');
      expect(invocation.errorClass).toBe('Throttling');
      expect(invocation.latencyMs).toBeUndefined();
      expect(invocation.inputTokens).toBeUndefined();
    },
  );

  it('takes latency from the last stream chunk that carries invocation metrics', () => {
    const record = makeRecord({ operation: 'InvokeModelWithResponseStream', latencyMs: 611, ttftMs: 287 });

    const invocation = parseOk(record);

    expect(invocation).toMatchObject({ latencyMs: 611, timeToFirstTokenMs: 287, stopReason: 'max_tokens' });
  });
});

describe('parseInvocationRecord: the hand-written samples', () => {
  it('normalises every sample record without reading key order', () => {
    const invocations = fixtureLines('bedrock-invocation-records.jsonl').map((l) => {
      const result = parseInvocationRecord(l, { nowMs: Date.parse('2025-10-20T10:00:00Z') - 0 });
      return result;
    });
    const june = fixtureLines('bedrock-invocation-records.jsonl').map((l) =>
      parseInvocationRecord(l, { nowMs: Date.parse('2025-06-12T15:00:00Z') }),
    );

    // The June records are more than 14 days older than the October clock.
    expect(invocations.filter((r) => r.ok)).toHaveLength(1);
    expect(june.filter((r) => r.ok)).toHaveLength(8);
    const byId = new Map(june.flatMap((r) => (r.ok ? [[r.invocation.requestId, r.invocation]] : [])));
    expect(byId.get('0b6f3e2a-4c1d-4e8f-9a7b-2d5c6e1f0a93')).toMatchObject({
      operation: 'Converse',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      region: 'us-east-1',
      callerArn: 'arn:aws:sts::123456789012:assumed-role/support-bot-task-role/3f9c2d1e8a7b4c6d',
      requestMetadata: { team: 'support', environment: 'prod' },
      inputTokens: 38,
      outputTokens: 21,
      latencyMs: 842,
      stopReason: 'end_turn',
      timeMs: Date.parse('2025-06-12T14:03:27Z'),
    });
    expect(byId.get('e9a8b7c6-5d4e-4f3a-9b2c-1d0e9f8a7b6c')).toMatchObject({
      operation: 'InvokeModelWithResponseStream',
      latencyMs: 611,
      timeToFirstTokenMs: 287,
      region: 'us-west-2',
    });
    expect(byId.get('2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f')).toMatchObject({
      inputTokens: 2210,
      outputTokens: 28417,
      inferenceRegion: 'us-east-2',
    });
    expect(byId.get('2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f')?.latencyMs).toBeUndefined();
    expect(byId.get('f0e1d2c3-b4a5-4968-8776-655443322110')).toMatchObject({
      errorCode: 'ValidationException',
      errorClass: 'Validation',
    });
  });

  it('reads cache tokens separately from input tokens', () => {
    const l = fixtureLines('bedrock-invocation-records.jsonl').find((x) => x.includes('global.anthropic'));

    const result = parseInvocationRecord(l, { nowMs: Date.parse('2025-10-20T10:00:00Z') });

    expect(result.ok && result.invocation).toMatchObject({
      inputTokens: 12,
      cacheReadInputTokens: 30512,
      cacheWriteInputTokens: 845,
      latencyMs: 4127,
    });
  });
});

describe('parseInvocationRecord: record time', () => {
  const at = (timestamp: string) => {
    const record = makeRecord();
    record.timestamp = timestamp;
    return parseOk(record).timeMs;
  };

  it.each(['America/New_York', 'Asia/Kolkata', 'UTC'])(
    'reads a zoneless timestamp as UTC with TZ=%s (defect 5)',
    (zone) => {
      const saved = process.env.TZ;
      // Node applies a new TZ at once: this is the machine a replay user runs on.
      process.env.TZ = zone;

      try {
        const zoneless = at('2025-10-20T09:00:00');
        const withFraction = at('2025-10-20T09:00:00.250');

        expect(zoneless).toBe(Date.UTC(2025, 9, 20, 9));
        expect(withFraction).toBe(Date.UTC(2025, 9, 20, 9, 0, 0, 250));
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    },
  );

  it('honours an explicit offset', () => {
    expect(at('2025-10-20T11:00:00+02:00')).toBe(Date.parse('2025-10-20T09:00:00Z'));
  });
});

describe('parseInvocationRecord: rejections', () => {
  it('rejects the permission-check line as not-json', () => {
    expect(reasonOf('Permissions are correctly set for Amazon Bedrock logs.')).toBe('not-json');
  });

  it('rejects JSON that is not an invocation record', () => {
    expect(reasonOf('{"schemaType":"Other"}')).toBe('not-invocation-record');
    expect(reasonOf('[1,2]')).toBe('not-invocation-record');
    expect(reasonOf('null')).toBe('not-invocation-record');
  });

  it('rejects a log event whose message is not a string', () => {
    expect(reasonOf(42)).toBe('invalid-log-event');
  });

  const withField = (mutate: (r: Record<string, unknown>) => void) => {
    const record = makeRecord();
    mutate(record);
    return line(record);
  };
  const input = (r: Record<string, unknown>) => r.input as Record<string, unknown>;
  const output = (r: Record<string, unknown>) => r.output as Record<string, unknown>;

  it.each([
    ['a missing timestamp', (r: Record<string, unknown>) => delete r.timestamp, 'invalid-field:timestamp'],
    [
      'an unparseable timestamp',
      (r: Record<string, unknown>) => (r.timestamp = 'yesterday'),
      'invalid-field:timestamp',
    ],
    ['a numeric requestId', (r: Record<string, unknown>) => (r.requestId = 7), 'invalid-field:requestId'],
    ['a missing modelId', (r: Record<string, unknown>) => delete r.modelId, 'invalid-field:modelId'],
    [
      'a non-ASCII modelId',
      (r: Record<string, unknown>) => (r.modelId = 'modèle-ünïcode'),
      'invalid-field:modelId',
    ],
    [
      'an over-long modelId',
      (r: Record<string, unknown>) => (r.modelId = 'm'.repeat(1025)),
      'invalid-field:modelId',
    ],
    ['a missing operation', (r: Record<string, unknown>) => delete r.operation, 'invalid-field:operation'],
    ['a missing region', (r: Record<string, unknown>) => delete r.region, 'invalid-field:region'],
    [
      'a negative input count',
      (r: Record<string, unknown>) => (input(r).inputTokenCount = -1),
      'invalid-field:input.inputTokenCount',
    ],
    [
      'a fractional output count',
      (r: Record<string, unknown>) => (output(r).outputTokenCount = 1.5),
      'invalid-field:output.outputTokenCount',
    ],
    [
      'a string output count',
      (r: Record<string, unknown>) => (output(r).outputTokenCount = '12'),
      'invalid-field:output.outputTokenCount',
    ],
    [
      'an unsafe huge count',
      (r: Record<string, unknown>) => (input(r).inputTokenCount = 2 ** 60),
      'invalid-field:input.inputTokenCount',
    ],
    [
      'an ill-typed cache count',
      (r: Record<string, unknown>) => (input(r).cacheReadInputTokenCount = true),
      'invalid-field:input.cacheReadInputTokenCount',
    ],
    ['input that is not an object', (r: Record<string, unknown>) => (r.input = 'x'), 'invalid-field:input'],
    [
      'metadata that is not a map of strings',
      (r: Record<string, unknown>) => (r.requestMetadata = { team: 1 }),
      'invalid-field:requestMetadata',
    ],
    ['a numeric errorCode', (r: Record<string, unknown>) => (r.errorCode = 500), 'invalid-field:errorCode'],
    // Defect 7: the key only appears on failed calls, so an empty code is malformed, not a success.
    ['an empty errorCode', (r: Record<string, unknown>) => (r.errorCode = ''), 'invalid-field:errorCode'],
    ['a blank errorCode', (r: Record<string, unknown>) => (r.errorCode = '  '), 'invalid-field:errorCode'],
    [
      'a timestamp Date.parse reads loosely',
      (r: Record<string, unknown>) => (r.timestamp = '2025-02-30T00:00:00Z'),
      'invalid-field:timestamp',
    ],
    [
      'a bare number for a timestamp',
      (r: Record<string, unknown>) => (r.timestamp = '5'),
      'invalid-field:timestamp',
    ],
  ])('rejects %s', (_name, mutate, reason) => {
    expect(reasonOf(withField(mutate))).toBe(reason);
  });

  it('rejects records older than 14 days or more than 2 hours ahead of the clock', () => {
    const old = line(makeRecord({ time: NOW - MAX_RECORD_AGE_MS - 60_000 }));
    const future = line(makeRecord({ time: NOW + MAX_RECORD_FUTURE_MS + 1000 }));
    const insideAgeLimit = line(makeRecord({ time: NOW - MAX_RECORD_AGE_MS + 60_000 }));
    const atFutureLimit = line(makeRecord({ time: NOW + MAX_RECORD_FUTURE_MS }));

    expect(reasonOf(old)).toBe('outside-time-window');
    expect(reasonOf(future)).toBe('outside-time-window');
    expect(parse(insideAgeLimit).ok).toBe(true);
    expect(parse(atFutureLimit).ok).toBe(true);
  });

  it('treats a malformed latency as unknown rather than inventing one', () => {
    const record = makeRecord({ operation: 'Converse' });
    ((record.output as Record<string, unknown>).outputBodyJson as Record<string, unknown>).metrics = {
      latencyMs: -3,
    };

    expect(parseOk(record).latencyMs).toBeUndefined();
  });

  it.each([
    ['Converse latencyMs 1e300', 'Converse', { latencyMs: 1e300 }, 'latencyMs'],
    ['Converse latencyMs 1e120', 'Converse', { latencyMs: 1e120 }, 'latencyMs'],
    ['stream invocationLatency 1e300', 'InvokeModelWithResponseStream', { latencyMs: 1e300 }, 'latencyMs'],
    [
      'stream firstByteLatency 1e120',
      'InvokeModelWithResponseStream',
      { ttftMs: 1e120 },
      'timeToFirstTokenMs',
    ],
  ] as const)(
    "treats %s (outside CloudWatch's value range) as unavailable (defect 1)",
    (_name, operation, values, field) => {
      const record = makeRecord({ operation, ...values });

      const invocation = parseOk(record);

      expect(invocation[field]).toBeUndefined();
    },
  );

  it('keeps no prompt or answer text in the invocation or the rejection', () => {
    const streamed = makeRecord({ operation: 'InvokeModelWithResponseStream' });
    const bad = makeRecord();
    (bad.input as Record<string, unknown>).inputTokenCount = -1;

    const invocation = parseOk(streamed);
    const rejected = parse(line(bad));

    expect(JSON.stringify(invocation)).not.toMatch(/CANARY/);
    expect(JSON.stringify(rejected)).not.toContain(PROMPT_CANARY);
    expect(JSON.stringify(rejected)).not.toContain(ANSWER_CANARY);
    expect(rejected.ok === false && rejected.rejection).toEqual({
      reason: 'invalid-field:input.inputTokenCount',
      logEventId: 'e1',
      requestId: bad.requestId,
    });
  });

  it('drops a requestId that is not id-shaped from the rejection', () => {
    const bad = makeRecord();
    bad.requestId = 'tell me a secret story';
    delete bad.modelId;

    const result = parse(line(bad));

    expect(result.ok === false && result.rejection.requestId).toBeUndefined();
  });
});

describe('parseBatch: record-time options (item 1)', () => {
  const DAY = 24 * 60 * 60_000;
  const payloadOf = (times: number[]) => ({
    messageType: 'DATA_MESSAGE' as const,
    logEvents: times.map((time, i) => ({
      id: String(i),
      timestamp: time,
      message: line(makeRecord({ time })),
    })),
  });
  // A month of history and one record from a typo'd year.
  const times = [T0 - 30 * DAY, T0 - 20 * DAY, T0 - DAY, T0, Date.parse('2031-01-01T00:00:00Z')];

  it("applies CloudWatch's acceptance window by default, as the function must", () => {
    const batch = parseBatch(payloadOf(times), T0);

    expect(batch.invocations).toHaveLength(2);
    expect(batch.rejectedByReason).toEqual({ 'outside-time-window': 3 });
  });

  it('rejects no record for its age when the window is off (replay without --now)', () => {
    const batch = parseBatch(payloadOf(times), T0, { window: false });

    expect(batch.invocations).toHaveLength(5);
    expect(batch.rejections).toEqual([]);
  });

  it('counts records outside --since/--until as filtered, apart from rejections, before the window', () => {
    const batch = parseBatch(payloadOf(times), T0, {
      window: true,
      sinceMs: T0 - 25 * DAY,
      untilMs: T0 + DAY,
    });

    expect(batch.filtered).toBe(2);
    expect(batch.invocations.map((i) => i.timeMs)).toEqual([T0 - DAY, T0]);
    expect(batch.rejectedByReason).toEqual({ 'outside-time-window': 1 });
  });
});

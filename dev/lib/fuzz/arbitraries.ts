/**
 * fast-check arbitraries for the fuzz campaign: valid Bedrock log lines from the bundled sample
 * set, carrying canary text in their bodies, mutated in every way a user or AWS could produce,
 * wrapped into subscription events that may themselves be broken.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { BEDROCK_LOG_GROUP, BEDROCK_LOG_STREAM } from '../../../shared/contract/bedrock-logs';
import { isObject, type Json } from '../../../shared/json';

export const CANARY = 'CANARY-7Q4Z-PROMPT';
/** The log events' own (delivery) time in generated events. */
export const T0_FUZZ_EVENT_TIME = 1_760_950_000_000;
const SAMPLE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'events',
  'sample-set',
  'traffic-2025-10-20.jsonl',
);

let corpus: Json[] | undefined;
/** Valid invocation records from the sample set, each with canary text in its bodies. */
export function validRecords(): Json[] {
  if (!corpus) {
    corpus = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          const r = JSON.parse(l) as Json;
          return r.schemaType === 'ModelInvocationLog' ? [r] : [];
        } catch {
          return [];
        }
      });
    for (const r of corpus) {
      const input = r.input as Json | undefined;
      if (input && typeof input === 'object')
        input.inputBodyJson = { messages: [{ role: 'user', content: [{ text: `${CANARY} question` }] }] };
      const output = r.output as Json | undefined;
      if (output && typeof output === 'object' && output.outputBodyJson !== undefined) {
        (output as Json).canary = `${CANARY} answer`;
      }
    }
  }
  return corpus;
}

/** Paths of the fields a mutation may hit. */
const FIELD_PATHS = [
  ['timestamp'],
  ['requestId'],
  ['operation'],
  ['modelId'],
  ['region'],
  ['inferenceRegion'],
  ['schemaType'],
  ['errorCode'],
  ['identity'],
  ['identity', 'arn'],
  ['requestMetadata'],
  ['input'],
  ['input', 'inputTokenCount'],
  ['input', 'cacheReadInputTokenCount'],
  ['input', 'cacheWriteInputTokenCount'],
  ['output'],
  ['output', 'outputTokenCount'],
  ['output', 'outputBodyJson'],
  ['output', 'outputBodyJson', 'metrics', 'latencyMs'],
];

const weirdValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constantFrom(-1, 1.5, -0, 2 ** 53, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
  // Around CloudWatch's value range (magnitudes 8.515920e-109 to 1.174271e+108): one value outside
  // it makes CloudWatch drop the whole document.
  fc.constantFrom(1e300, 1e120, 1.174271e108, 1.2e108, 1e-200, 5e-324, 8.51592e-109),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '12', '', ' ', '1e3', 'null'),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2025-13-45T99:99:99Z',
    '1970-01-01T00:00:00Z',
    'yesterday',
  ),
);

const unusualText = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.constantFrom(
    'anthropic.claude\u0000',
    'modèle-ünïcode',
    '\u202eevil',
    '😀',
    'a'.repeat(2000),
    ' ',
    '\n',
    'ModelId',
    '_aws',
  ),
);

/** One mutation of a record (applied to a deep copy). */
const mutation: fc.Arbitrary<(r: Json) => void> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.tuple(fc.constantFrom(...FIELD_PATHS), weirdValue).map(
      ([path, value]) =>
        (r: Json) =>
          setPath(r, path, value),
    ),
  },
  {
    weight: 8,
    arbitrary: fc.constantFrom(...FIELD_PATHS).map((path) => (r: Json) => setPath(r, path, undefined)),
  },
  {
    weight: 6,
    arbitrary: unusualText.map((text) => (r: Json) => {
      r.modelId = text;
    }),
  },
  {
    weight: 6,
    arbitrary: fc
      .dictionary(
        fc.oneof(
          fc.constantFrom(
            'Invocations',
            'CostUSD',
            '_aws',
            'ModelId',
            'service',
            'team',
            '__proto__',
            'constructor',
          ),
          unusualText,
        ),
        fc.oneof(unusualText, fc.integer()),
        { maxKeys: 5 },
      )
      .map((metadata) => (r: Json) => {
        r.requestMetadata = metadata;
      }),
  },
  {
    // A stream's invocation metrics (latency, time to first token) at or beyond CloudWatch's range.
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('invocationLatency', 'firstByteLatency'),
        fc.constantFrom(1e300, 1e120, 1.2e108, 1.174271e108, 1e-200, -5, 900),
      )
      .map(([field, value]) => (r: Json) => {
        const body = isObject(r.output) ? r.output.outputBodyJson : undefined;
        if (!Array.isArray(body)) return;
        for (const chunk of body) {
          const metrics = isObject(chunk) ? chunk['amazon-bedrock-invocationMetrics'] : undefined;
          if (isObject(metrics)) metrics[field] = value;
        }
      }),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 10, max: 3000 }).map((depth) => (r: Json) => {
      let nested: unknown = CANARY;
      for (let i = 0; i < depth; i++) nested = { n: nested };
      r.output = { ...(isObject(r.output) ? r.output : {}), outputBodyJson: nested };
    }),
  },
  {
    // A 1 MB message, the largest one log event may be: rare, it dominates the run time.
    weight: 1,
    arbitrary: fc.nat(199).map((n) => (r: Json) => {
      if (n !== 0) return;
      r.input = {
        ...(isObject(r.input) ? r.input : {}),
        inputBodyJson: { text: `${CANARY} ${'x'.repeat(1024 * 1024)}` },
      };
    }),
  },
);

function setPath(target: Json, path: string[], value: unknown): void {
  let node: Json = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return;
    node = next as Json;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** A log line: valid, mutated, truncated, junk, or a redelivered copy. */
export const messageArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.nat().map((i) => JSON.stringify(pick(i))) },
  {
    weight: 4,
    arbitrary: fc.tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([i, muts]) => {
      const record = structuredClone(pick(i));
      for (const m of muts) m(record);
      return JSON.stringify(record);
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([i, cut]) => {
      const line = JSON.stringify(pick(i));
      return line.slice(0, cut % line.length);
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'Permissions are correctly set for Amazon Bedrock logs.',
      '',
      '{}',
      '[]',
      'null',
      '{"schemaType":"ModelInvocationLog"}',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined), fc.object()) },
);

function pick(i: number): Json {
  const records = validRecords();
  return records[i % records.length] as Json;
}

export interface FuzzCase {
  event: unknown;
  /** How many log events a decodable event carries (undefined when the envelope is broken). */
  events?: number;
  /** Whether the envelope is broken, so the only acceptable outcome is SubscriptionDecodeError. */
  broken: boolean;
  kind: string;
}

const encode = (payload: unknown) => gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64');
const dataMessage = (messages: unknown[]) => ({
  messageType: 'DATA_MESSAGE',
  owner: '123456789012',
  logGroup: BEDROCK_LOG_GROUP,
  logStream: BEDROCK_LOG_STREAM,
  subscriptionFilters: ['fuzz'],
  logEvents: messages.map((message, i) => ({ id: String(i), timestamp: T0_FUZZ_EVENT_TIME, message })),
});

/** A batch of messages, with duplicates, as a well-formed event. */
const goodCase: fc.Arbitrary<FuzzCase> = fc
  .tuple(fc.array(messageArb, { minLength: 0, maxLength: 25 }), fc.array(fc.nat(), { maxLength: 4 }))
  .map(([messages, dups]) => {
    const all =
      messages.length > 0 ? [...messages, ...dups.map((d) => messages[d % messages.length])] : messages;
    return {
      event: { awslogs: { data: encode(dataMessage(all)) } },
      events: all.length,
      broken: false,
      kind: 'batch',
    };
  });

/** Envelopes that must fail the whole batch by name. */
const brokenCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc
    .tuple(fc.array(messageArb, { maxLength: 5 }), fc.nat(), fc.constantFrom('!', '*', ' ', '-', '\u00e9'))
    .map(([m, at, ch]) => {
      const data = encode(dataMessage(m));
      const i = at % data.length;
      return {
        event: { awslogs: { data: data.slice(0, i) + ch + data.slice(i + 1) } },
        broken: true,
        kind: 'broken-base64',
      };
    }),
  fc.tuple(fc.array(messageArb, { maxLength: 5 }), fc.nat()).map(([m, cut]) => {
    const bytes = gzipSync(Buffer.from(JSON.stringify(dataMessage(m))));
    const truncated = bytes.subarray(0, Math.max(1, cut % (bytes.length - 1)));
    return {
      event: { awslogs: { data: truncated.toString('base64') } },
      broken: true,
      kind: 'truncated-gzip',
    };
  }),
  fc
    .tuple(fc.array(messageArb, { maxLength: 5 }), fc.nat(), fc.integer({ min: 1, max: 255 }))
    .map(([m, at, xor]) => {
      const bytes = Buffer.from(gzipSync(Buffer.from(JSON.stringify(dataMessage(m)))));
      // Flip one byte of the header or the trailer (CRC or length): corruption gzip must detect.
      const positions = [0, 1, 2, bytes.length - 1, bytes.length - 2, bytes.length - 5, bytes.length - 8];
      const pos = positions[at % positions.length] as number;
      bytes[pos] = (bytes[pos] as number) ^ xor;
      return { event: { awslogs: { data: bytes.toString('base64') } }, broken: true, kind: 'corrupt-gzip' };
    }),
  fc
    .constantFrom(
      '{"messageType":',
      '[]',
      '"x"',
      '{"messageType":"DATA_MESSAGE"}',
      '{"messageType":"NOPE","logEvents":[]}',
    )
    .map((text) => ({
      event: { awslogs: { data: gzipSync(Buffer.from(text)).toString('base64') } },
      broken: true,
      kind: 'bad-payload',
    })),
  fc
    .constantFrom({}, { awslogs: {} }, { awslogs: { data: 7 } }, null, 'x', { Records: [{ kinesis: {} }] })
    .map((event) => ({
      event,
      broken: true,
      kind: 'not-an-event',
    })),
);

/** A decompression bomb: tiny compressed, beyond the cap inflated. Expensive, so rare. */
export function bombCase(maxDecompressedBytes: number): FuzzCase {
  const bomb = gzipSync(Buffer.alloc(maxDecompressedBytes + 1024, 0x20));
  return { event: { awslogs: { data: bomb.toString('base64') } }, broken: true, kind: 'decompression-bomb' };
}

/** A batch of 10,000+ events near the 1 MB compressed limit. Expensive, so rare. */
export function hugeBatchCase(events = 10_500): FuzzCase {
  const records = validRecords();
  const messages = Array.from({ length: events }, (_, i) => {
    const r = structuredClone(records[i % records.length] as Json);
    r.requestId = `fuzz-${i}`;
    return JSON.stringify(r);
  });
  return {
    event: { awslogs: { data: encode(dataMessage(messages)) } },
    events,
    broken: false,
    kind: 'huge-batch',
  };
}

export const fuzzCaseArb: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 8, arbitrary: goodCase },
  { weight: 2, arbitrary: brokenCase },
);

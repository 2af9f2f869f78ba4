/**
 * Writes the bundled replay set `events/sample-set/`: 90 minutes of deterministic, realistic
 * Bedrock invocation-log lines (seeded PRNG), so `npm run replay` always shows the same figures.
 * Usage: npm run -s generate-samples [-- --help]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli, runCli } from '../cli/common/cli';
import { prng } from './lib/prng';

const USAGE = `usage: npm run -s generate-samples

Rewrites events/sample-set/ (traffic-2025-10-20.jsonl and control-message.json): 90 minutes of
deterministic Bedrock invocation-log lines from a seeded generator, with the junk, duplicates and
placeholders the function must survive. It takes no flags; the same code always writes the same files.

  -h, --help   this text

example: npm run -s generate-samples && npm run -s replay`;

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'events', 'sample-set');
const START = Date.parse('2025-10-20T09:00:00Z');
const MINUTES = 90;
const ACCOUNT = '123456789012';

const rand = prng(20251020);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
/** Log-normal around a median, so latency has a realistic long tail. */
const lognormal = (median: number, sigma: number) => {
  const u = Math.max(rand(), 1e-9);
  const v = rand();
  return Math.round(median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)));
};
const uuid = () =>
  'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = Math.floor(rand() * 16);
    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });

interface ModelProfile {
  modelId: string;
  region: string;
  inferenceRegions?: string[];
  weight: number;
  latencyMedian: number;
  ttftMedian: number;
  operations: readonly string[];
  cache?: boolean;
  anthropicNative?: boolean;
}

const MODELS: ModelProfile[] = [
  {
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    region: 'us-east-1',
    weight: 30,
    latencyMedian: 700,
    ttftMedian: 280,
    operations: ['Converse', 'InvokeModelWithResponseStream', 'InvokeModel'],
    anthropicNative: true,
  },
  {
    modelId: 'us.anthropic.claude-3-5-sonnet-20240620-v1:0',
    region: 'us-east-1',
    inferenceRegions: ['us-east-1', 'us-east-2', 'us-west-2'],
    weight: 15,
    latencyMedian: 2100,
    ttftMedian: 650,
    operations: ['Converse', 'ConverseStream', 'InvokeModelWithResponseStream'],
    anthropicNative: true,
  },
  {
    modelId: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    region: 'us-west-2',
    inferenceRegions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    weight: 12,
    latencyMedian: 3600,
    ttftMedian: 900,
    operations: ['ConverseStream', 'Converse'],
    cache: true,
  },
  {
    modelId: 'amazon.nova-lite-v1:0',
    region: 'us-east-1',
    weight: 18,
    latencyMedian: 900,
    ttftMedian: 250,
    operations: ['Converse', 'ConverseStream', 'InvokeModelWithResponseStream'],
  },
  {
    modelId: 'amazon.nova-micro-v1:0',
    region: 'us-east-1',
    weight: 8,
    latencyMedian: 450,
    ttftMedian: 150,
    operations: ['Converse', 'InvokeModel'],
  },
  {
    modelId: 'meta.llama3-70b-instruct-v1:0',
    region: 'us-west-2',
    weight: 7,
    latencyMedian: 2500,
    ttftMedian: 700,
    operations: ['InvokeModel', 'InvokeModelWithResponseStream'],
  },
  {
    modelId: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/k2x9v7q4m1ab`,
    region: 'us-east-1',
    weight: 6,
    latencyMedian: 1800,
    ttftMedian: 500,
    operations: ['Converse', 'InvokeModel'],
  },
];

const CALLERS = [
  { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/support-bot-task-role/3f9c2d1e8a7b4c6d`, team: 'support' },
  { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/chat-frontend-role/ecs-task-7f3e`, team: 'web' },
  { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/batch-summariser-role/lambda-summarise`, team: 'data' },
  { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/coding-agent-role/dev-bob`, team: 'platform' },
  { arn: `arn:aws:iam::${ACCOUNT}:user/dev-alice`, team: undefined },
];

const PROMPTS = [
  'Summarise ticket #4411 in one sentence: printer offline after firmware update.',
  'Translate to German: your delivery is delayed by two days.',
  'Classify this review as positive, neutral or negative: the app crashes on start.',
  'Write a SQL query counting orders per customer in 2025.',
  'Extract the invoice total as JSON: 3 x widget @ 14.50, shipping 6.00.',
];
const ANSWERS = [
  'The printer went offline after a firmware update and needs the driver reinstalled.',
  'Ihre Lieferung verzögert sich um zwei Tage.',
  'negative',
  'SELECT customer_id, COUNT(*) FROM orders WHERE year = 2025 GROUP BY customer_id;',
  '{"total": 49.50}',
];

const ERRORS: { code: string; weight: number }[] = [
  { code: 'ThrottlingException', weight: 10 },
  { code: 'ServiceQuotaExceededException', weight: 2 },
  { code: 'ModelTimeoutException', weight: 3 },
  { code: 'ValidationException', weight: 6 },
  { code: 'ResourceNotFoundException', weight: 1 },
  { code: 'AccessDeniedException', weight: 3 },
  { code: 'ModelErrorException', weight: 2 },
  { code: 'ModelStreamErrorException', weight: 1 },
  { code: 'ModelNotReadyException', weight: 1 },
  { code: 'InternalServerException', weight: 2 },
  { code: 'ServiceUnavailableException', weight: 2 },
  { code: 'SomeFutureException', weight: 1 },
];
const weighted = <T extends { weight: number }>(items: readonly T[]): T => {
  let r = rand() * items.reduce((s, i) => s + i.weight, 0);
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1] as T;
};

type Json = Record<string, unknown>;

function outputBody(
  model: ModelProfile,
  operation: string,
  answer: string,
  inputTokens: number,
  outputTokens: number,
  latency: number,
  ttft: number,
  cache: { read: number; write: number },
): unknown {
  if (operation === 'Converse' || operation === 'ConverseStream') {
    const usage: Json = {
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens + cache.read + cache.write,
    };
    if (model.cache)
      Object.assign(usage, { cacheReadInputTokens: cache.read, cacheWriteInputTokens: cache.write });
    return {
      output: { message: { role: 'assistant', content: [{ text: answer }] } },
      stopReason: outputTokens >= 500 ? 'max_tokens' : 'end_turn',
      metrics: { latencyMs: latency },
      usage,
    };
  }
  if (operation === 'InvokeModel') {
    return model.anthropicNative
      ? {
          id: `msg_bdrk_${uuid().slice(0, 12)}`,
          type: 'message',
          role: 'assistant',
          content: [{ type: 'text', text: answer }],
          stop_reason: 'end_turn',
          usage: { input_tokens: inputTokens, output_tokens: outputTokens },
        }
      : {
          generation: answer,
          prompt_token_count: inputTokens,
          generation_token_count: outputTokens,
          stop_reason: 'stop',
        };
  }
  const metrics = {
    'amazon-bedrock-invocationMetrics': {
      inputTokenCount: inputTokens,
      outputTokenCount: outputTokens,
      invocationLatency: latency,
      firstByteLatency: ttft,
    },
  };
  if (model.anthropicNative) {
    return [
      {
        type: 'message_start',
        message: { role: 'assistant', content: [], usage: { input_tokens: inputTokens, output_tokens: 1 } },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: answer } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: outputTokens } },
      { type: 'message_stop', ...metrics },
    ];
  }
  return [
    { contentBlockDelta: { delta: { text: answer }, contentBlockIndex: 0 } },
    { messageStop: { stopReason: 'end_turn' } },
    { metadata: { usage: { inputTokens, outputTokens } }, ...metrics },
  ];
}

function record(
  timeMs: number,
  model: ModelProfile,
  opts: { error?: string; delivery: 'bodies' | 's3' | 'off' },
): Json {
  const operation = pick(model.operations);
  const caller = pick(CALLERS);
  const prompt = pick(PROMPTS);
  const requestId = uuid();
  const base: Json = {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: new Date(timeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    accountId: ACCOUNT,
    identity: { arn: caller.arn },
    region: model.region,
    requestId,
    operation,
    modelId: model.modelId,
  };
  if (caller.team)
    base.requestMetadata = { team: caller.team, environment: pick(['prod', 'prod', 'staging']) };
  if (model.inferenceRegions) base.inferenceRegion = pick(model.inferenceRegions);
  const inputBody = {
    messages: [{ role: 'user', content: [{ text: prompt }] }],
    inferenceConfig: { maxTokens: 512 },
  };
  if (opts.error) {
    base.errorCode = opts.error;
    base.input =
      opts.delivery === 'bodies' ? { inputContentType: 'application/json', inputBodyJson: inputBody } : {};
    base.output = {};
    return base;
  }
  const inputTokens = int(8, 1200);
  const outputTokens = rand() < 0.04 ? 512 : int(3, 480);
  const cache =
    model.cache && rand() < 0.6
      ? { read: int(2000, 32000), write: rand() < 0.3 ? int(200, 2000) : 0 }
      : { read: 0, write: 0 };
  const latency = Math.max(80, lognormal(model.latencyMedian, 0.45));
  const ttft = Math.min(latency, Math.max(40, lognormal(model.ttftMedian, 0.35)));
  const input: Json = { inputContentType: 'application/json', inputTokenCount: inputTokens };
  if (model.cache)
    Object.assign(input, { cacheReadInputTokenCount: cache.read, cacheWriteInputTokenCount: cache.write });
  const output: Json = { outputContentType: 'application/json', outputTokenCount: outputTokens };
  const day = new Date(timeMs).toISOString().slice(0, 13).replace(/[-T]/g, '/');
  if (opts.delivery === 'bodies') {
    input.inputBodyJson = inputBody;
    output.outputBodyJson = outputBody(
      model,
      operation,
      pick(ANSWERS),
      inputTokens,
      outputTokens,
      latency,
      ttft,
      cache,
    );
  } else if (opts.delivery === 's3') {
    const prefix = `s3://acme-bedrock-large-data/invocation-bodies/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/${model.region}/${day}/data/${requestId}`;
    input.inputBodyS3Path = `${prefix}_input.json.gz`;
    output.outputBodyS3Path = `${prefix}_output.json.gz`;
  }
  base.input = input;
  base.output = output;
  return base;
}

function shuffleKeys(obj: Json): Json {
  // Real records do not keep one key order; the parser must not care.
  const entries = Object.entries(obj);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [entries[i], entries[j]] = [entries[j] as [string, unknown], entries[i] as [string, unknown]];
  }
  return Object.fromEntries(entries);
}

/** Generates every line of the sample set, in order. */
function generateLines(): string[] {
  const lines: string[] = ['Permissions are correctly set for Amazon Bedrock logs.'];
  for (let minute = 0; minute < MINUTES; minute++) {
    pushMinuteOfTraffic(lines, minute);
    if (minute % 30 === 17) pushJunk(lines, minute);
  }

  return lines;
}

/** One minute of calls, in time order. */
function pushMinuteOfTraffic(lines: string[], minute: number): void {
  // A daily-shaped load with one burst (minute 42) that puts >100 latency values in one bucket.
  const perMinute = minute === 42 ? 160 : int(12, 28);
  const times = Array.from({ length: perMinute }, () => START + minute * 60_000 + int(0, 59) * 1000).sort(
    (a, b) => a - b,
  );
  for (const time of times) {
    const model = minute === 42 && rand() < 0.9 ? (MODELS[0] as ModelProfile) : weighted(MODELS);
    pushCall(lines, time, model);
  }
}

/** One call's line, with a ConverseStream placeholder before it or a redelivery after it now and then. */
function pushCall(lines: string[], time: number, model: ModelProfile): void {
  const error = rand() < 0.06 ? weighted(ERRORS).code : undefined;
  const delivery = rand() < 0.85 ? 'bodies' : rand() < 0.6 ? 's3' : 'off';
  const rec = shuffleKeys(record(time, model, { ...(error ? { error } : {}), delivery }));
  const line = JSON.stringify(rec);
  if (rec.operation === 'ConverseStream' && !error && rand() < 0.25) lines.push(placeholderOf(rec, model));
  lines.push(line);
  if (rand() < 0.01) lines.push(line); // an at-least-once redelivery
}

/** ConverseStream's zero-count placeholder, written first under the same requestId. */
function placeholderOf(rec: Json, model: ModelProfile): string {
  const placeholder = {
    ...rec,
    input: { inputContentType: 'application/json', inputTokenCount: 0 },
    output: { outputContentType: 'application/json', outputTokenCount: 0 },
  };
  if (model.cache)
    Object.assign(placeholder.input as Json, {
      cacheReadInputTokenCount: 0,
      cacheWriteInputTokenCount: 0,
    });
  return JSON.stringify(placeholder);
}

/** Junk the handler must survive: not JSON, another schema, a broken token count, a truncated line. */
function pushJunk(lines: string[], minute: number): void {
  lines.push('Permissions are correctly set for Amazon Bedrock logs.');
  lines.push(JSON.stringify({ schemaType: 'SomethingElse', note: 'not an invocation record' }));
  const broken = record(START + minute * 60_000 + 30_000, MODELS[3] as ModelProfile, { delivery: 'off' });
  (broken.input as Json).inputTokenCount = -5;
  lines.push(JSON.stringify(broken));
  lines.push(
    JSON.stringify(
      record(START + minute * 60_000 + 31_000, MODELS[4] as ModelProfile, { delivery: 'off' }),
    ).slice(0, 120),
  );
}

function main(argv: string[]): number {
  const args = parseCli('generate-samples', USAGE, argv, {});
  if (typeof args === 'number') return args;
  const lines = generateLines();
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'traffic-2025-10-20.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(OUT_DIR, 'control-message.json'),
    `${JSON.stringify({ messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [{ id: '', timestamp: START, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }] }, null, 2)}\n`,
  );
  process.stdout.write(`wrote ${lines.length} lines to ${OUT_DIR}\n`);
  return 0;
}

runCli(import.meta.url, 'generate-samples', main);

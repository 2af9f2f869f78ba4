/*
 * How a test in test/ is shaped. The suites here follow it; new tests should too.
 *
 * - `describe` names the unit: a function, the handler, a CLI. `it` names the behaviour in plain
 *   words, as a sentence about that unit: "counts a redelivered copy once".
 * - Inside each `it`: arrange, act, assert, as three blocks separated by one blank line (no
 *   `// Arrange` comments). Name what the act returns (`const result = ...`) so the act and the
 *   assertions stand apart; the assert block may name parts of the result, but calls nothing new
 *   under test. A one-line check where act and assert are one expression,
 *   `expect(f(x)).toBe(y)`, stays one line; a block with nothing to arrange just starts at the act.
 * - A table of cases is an `it.each` (or a loop inside one `it`), with the same three blocks inside.
 * - A scenario that must check state between steps (a cache, then a retry after the back-off) keeps
 *   one act-and-assert block per step, in order, rather than copying state to defer the checks.
 * - Shared fixtures and builders come from test/support/ (this file) or events/; no test reaches
 *   outside the repository for them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { localLambdaContext } from '../../cli/common/lambda-context';
import { createIngestHandler, type IngestDependencies } from '../../functions/ingest/ingest';
import { encodeSubscriptionEvent } from '../../shared/ingest/1-decode';
import type { Invocation } from '../../shared/ingest/2-parse';
import { createPriceTable, type PriceData } from '../../shared/ingest/5-price';
import { loadIngestConfig } from '../../shared/ingest/config';
import priceData from '../../shared/ingest/price-table.json';
import { captureWrites } from './capture';

export const EVENTS_DIR = join(import.meta.dirname, '..', '..', 'events');
export const fixturePath = (name: string) => join(EVENTS_DIR, 'fixtures', name);
export const readFixture = (name: string) => readFileSync(fixturePath(name), 'utf8');
export const fixtureLines = (name: string) => readFixture(name).split('\n').filter(Boolean);

export const priceTable = createPriceTable(priceData as PriceData);

type Json = Record<string, unknown>;

export const T0 = Date.parse('2025-10-20T09:00:00Z');

/** A canary that must never appear in any output. */
export const PROMPT_CANARY = 'CANARY-PROMPT-7f3a9c';
export const ANSWER_CANARY = 'CANARY-ANSWER-2b8e41';

export type Operation = 'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';
export type Delivery = 'bodies' | 's3' | 'off';

export interface RecordOptions {
  operation?: Operation;
  modelId?: string;
  time?: number;
  requestId?: string;
  region?: string;
  errorCode?: string;
  delivery?: Delivery;
  inputTokens?: number;
  outputTokens?: number;
  cacheRead?: number;
  cacheWrite?: number;
  latencyMs?: number;
  ttftMs?: number;
  metadata?: Record<string, string>;
}

let counter = 0;
export const nextRequestId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

/** Builds an invocation record shaped as Bedrock logs each operation. */
export function makeRecord(options: RecordOptions = {}): Json {
  const operation = options.operation ?? 'Converse';
  const delivery = options.delivery ?? 'bodies';
  const latency = options.latencyMs ?? 900;
  const ttft = options.ttftMs ?? 300;
  const inputTokens = options.inputTokens ?? 100;
  const outputTokens = options.outputTokens ?? 50;
  const record: Json = {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: new Date(options.time ?? T0).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    accountId: '123456789012',
    identity: { arn: 'arn:aws:sts::123456789012:assumed-role/app-role/session-1' },
    region: options.region ?? 'us-east-1',
    requestId: options.requestId ?? nextRequestId(),
    operation,
    modelId: options.modelId ?? 'anthropic.claude-3-haiku-20240307-v1:0',
  };
  if (options.metadata) record.requestMetadata = options.metadata;
  const inputBody = { messages: [{ role: 'user', content: [{ text: `${PROMPT_CANARY} please answer` }] }] };
  if (options.errorCode) {
    record.errorCode = options.errorCode;
    record.input =
      delivery === 'bodies' ? { inputContentType: 'application/json', inputBodyJson: inputBody } : {};
    record.output = {};
    return record;
  }
  const input: Json = { inputContentType: 'application/json', inputTokenCount: inputTokens };
  if (options.cacheRead !== undefined) input.cacheReadInputTokenCount = options.cacheRead;
  if (options.cacheWrite !== undefined) input.cacheWriteInputTokenCount = options.cacheWrite;
  const output: Json = { outputContentType: 'application/json', outputTokenCount: outputTokens };
  if (delivery === 'bodies') {
    input.inputBodyJson = inputBody;
    output.outputBodyJson = outputBodyFor(operation, latency, ttft, inputTokens, outputTokens);
  } else if (delivery === 's3') {
    input.inputBodyS3Path = 's3://bucket/prefix/req_input.json.gz';
    output.outputBodyS3Path = 's3://bucket/prefix/req_output.json.gz';
  }
  record.input = input;
  record.output = output;
  return record;
}

function outputBodyFor(
  operation: Operation,
  latency: number,
  ttft: number,
  input: number,
  output: number,
): unknown {
  switch (operation) {
    case 'Converse':
    case 'ConverseStream':
      return {
        output: { message: { role: 'assistant', content: [{ text: ANSWER_CANARY }] } },
        stopReason: 'end_turn',
        metrics: { latencyMs: latency },
        usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
      };
    case 'InvokeModel':
      return { content: [{ type: 'text', text: ANSWER_CANARY }], stop_reason: 'end_turn' };
    case 'InvokeModelWithResponseStream':
      return [
        { type: 'content_block_delta', delta: { type: 'text_delta', text: ANSWER_CANARY } },
        { type: 'message_delta', delta: { stop_reason: 'max_tokens' } },
        {
          type: 'message_stop',
          'amazon-bedrock-invocationMetrics': {
            inputTokenCount: input,
            outputTokenCount: output,
            invocationLatency: latency,
            firstByteLatency: ttft,
          },
        },
      ];
  }
}

/** Wraps raw log lines into a gzipped subscription event, as CloudWatch Logs delivers them. */
export function makeEvent(messages: readonly unknown[], messageType = 'DATA_MESSAGE') {
  return encodeSubscriptionEvent({
    messageType,
    owner: '123456789012',
    logGroup: '/aws/bedrock/modelinvocations',
    logStream: 'aws/bedrock/modelinvocations',
    subscriptionFilters: ['test'],
    logEvents: messages.map((message, i) => ({ id: String(1000 + i), timestamp: T0, message })),
  });
}

export const line = (record: unknown) => JSON.stringify(record);

export const context = localLambdaContext('bedrock-watch-ingest-test', 'test-request');

/**
 * A handler wired like production but with a fixed clock and every write to stdout/stderr
 * captured (Powertools writes through process.stdout, the EMF sink too).
 */
export function makeHandler(overrides: Partial<IngestDependencies> = {}, nowMs = T0 + 60 * 60_000) {
  const config = loadIngestConfig({});
  const deps: IngestDependencies = {
    config,
    priceTable,
    now: () => nowMs,
    logger: new Logger({ serviceName: config.service, logLevel: 'DEBUG' }),
    metrics: new Metrics({ namespace: config.namespace, serviceName: config.service }),
    emit: (l) => process.stdout.write(`${l}\n`),
    ...overrides,
  };
  return createIngestHandler(deps);
}

/** Runs `fn` and returns everything written to stdout and stderr meanwhile, as lines. */
export async function captureOutput<T>(
  fn: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; stdout: string[]; stderr: string[] }> {
  const { stdout, stderr, ...outcome } = await captureWrites(fn);
  return { ...outcome, stdout: splitLines(stdout), stderr: splitLines(stderr) };
}

const splitLines = (text: string) => text.split('\n').filter(Boolean);

export const emfLines = (lines: string[]) => lines.filter((l) => l.includes('"_aws"'));
/** The per-minute model documents: they feed [service, ModelId] and the all-models [service]. */
export const modelDocs = (lines: string[]) =>
  emfLines(lines)
    .map((l) => JSON.parse(l) as Json)
    .filter(
      (d) =>
        typeof d.ModelId === 'string' &&
        (d._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]?.Dimensions.some(
          (set) => set.join(',') === 'service',
        ),
    );

/** A minimal successful invocation for pricing tests. */
export const invocationOf = (
  modelId: string,
  tokens: Partial<Invocation> = {},
  region = 'us-east-1',
): Invocation => ({
  timeMs: T0,
  requestId: 'r',
  operation: 'Converse',
  modelId,
  region,
  requestMetadata: {},
  ...tokens,
});

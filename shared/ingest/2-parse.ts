import { INVOCATION_SCHEMA_TYPE } from '../contract/bedrock-logs';
import { classifyErrorCode, type ErrorClass } from '../contract/error-classes';
import {
  CLOUDWATCH_MAX_VALUE,
  DIMENSION_VALUE_MAX_LENGTH,
  MAX_RECORD_AGE_MS,
  MAX_RECORD_FUTURE_MS,
  MINUTE_MS,
} from '../contract/limits';
import { isObject, type Json } from '../json';
import { parseIsoTime } from '../time';
import { readBillingFacts, type ServiceTier } from './2-parse-billing';
import { readQuality, type StopClass, stopClassOf } from './quality';

/** One Bedrock invocation, normalised. Holds no prompt or response text. */
export interface Invocation {
  /** Epoch ms of the record's own `timestamp` (when the call was made). */
  timeMs: number;
  requestId: string;
  operation: string;
  /** Exactly as logged: base id, ARN or inference-profile id. */
  modelId: string;
  region: string;
  inferenceRegion?: string;
  callerArn?: string;
  requestMetadata: Record<string, string>;
  /** Excludes cached tokens, as Bedrock logs it. */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
  /** The part of `cacheWriteInputTokens` written with the 1-hour TTL, when the body says (2-parse-billing). */
  cacheWrite1hInputTokens?: number;
  /** A non-standard service tier the body names (Flex, Priority, latency-optimized); absent means standard. */
  serviceTier?: ServiceTier;
  /** The model a prompt router chose, from the response trace; priced instead of the router ARN. */
  routedModelId?: string;
  /** Unknown (undefined) when the log does not carry it; never estimated. */
  latencyMs?: number;
  timeToFirstTokenMs?: number;
  stopReason?: string;
  /** What the stop reason says (truncated, content-filtered, …); see quality.ts. */
  stopClass?: StopClass;
  /** Set only when a guardrail intervened (stop reason, guardrail action or trace). */
  guardrailIntervened?: true;
  errorCode?: string;
  errorClass?: ErrorClass;
  /** The account that made the call (`accountId`), when the record carries a 12-digit one. */
  accountId?: string;
}

export type RejectionReason =
  | 'invalid-log-event'
  | 'not-json'
  | 'not-invocation-record'
  | 'outside-time-window'
  | `invalid-field:${string}`;

/** Why one log event was not counted. Carries no part of the message body. */
export interface Rejection {
  reason: RejectionReason;
  logEventId?: string;
  requestId?: string;
}

export type ParseResult = { ok: true; invocation: Invocation } | { ok: false; rejection: Rejection };

export interface ParseContext {
  /** The injected clock, for CloudWatch's acceptance window. */
  nowMs: number;
  logEventId?: string;
  /**
   * Whether to reject records outside CloudWatch's acceptance window around `nowMs` (default true,
   * as the function must). Replay turns it off: an analysis of exported history drops nothing for
   * its age.
   */
  timeWindow?: boolean;
}

/** Whether CloudWatch would refuse a data point at this record's minute, with the clock at `nowMs`. */
export function isOutsideTimeWindow(timeMs: number, nowMs: number): boolean {
  const minuteStart = Math.floor(timeMs / MINUTE_MS) * MINUTE_MS;
  return minuteStart < nowMs - MAX_RECORD_AGE_MS || timeMs > nowMs + MAX_RECORD_FUTURE_MS;
}

/** Printable ASCII only: CloudWatch rejects other characters in dimension values. */
const DIMENSION_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const REQUEST_ID = /^[A-Za-z0-9-]{1,128}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** A required field is missing or ill-typed; caught per record and turned into a rejection. */
class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(readonly path: string) {
    super(`invalid field ${path}`);
  }
}

/** Token counts must be non-negative integers; anything else would poison sums and prices. */
function optionalCount(section: Json | undefined, key: string, path: string): number | undefined {
  const value = section?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new FieldError(path);
  return value;
}

/**
 * A latency value from a body: used only when it is a non-negative number CloudWatch can store.
 * A value beyond its range (a body once said 1e300) would make CloudWatch drop the whole document,
 * calls, tokens and cost included, so it is unavailable instead; rounding takes care of the tiny end.
 */
function latencyValue(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 && value <= CLOUDWATCH_MAX_VALUE
    ? Math.round(value)
    : undefined;
}

interface BodyFacts {
  latencyMs?: number;
  timeToFirstTokenMs?: number;
}

/**
 * Reads latency and time to first token from the output body, per operation (the stop reason and
 * guardrail action are quality.ts's). Only these fields are read; the body's text is never copied.
 */
function readBodyFacts(operation: string, output: Json | undefined): BodyFacts {
  const body = output?.outputBodyJson;
  if (operation === 'Converse' || operation === 'ConverseStream') {
    // ConverseStream is logged as one combined Converse-shaped object.
    if (!isObject(body)) return {};
    const metrics = isObject(body.metrics) ? body.metrics : undefined;
    return { latencyMs: latencyValue(metrics?.latencyMs) };
  }
  if (operation === 'InvokeModelWithResponseStream') {
    if (!Array.isArray(body)) return {};
    const facts: BodyFacts = {};
    // The invocation metrics ride on the last chunk; search from the end in case trailers follow.
    for (let i = body.length - 1; i >= 0; i--) {
      const chunk = body[i];
      if (!isObject(chunk)) continue;
      const m = chunk['amazon-bedrock-invocationMetrics'];
      if (isObject(m) && facts.latencyMs === undefined && facts.timeToFirstTokenMs === undefined) {
        facts.latencyMs = latencyValue(m.invocationLatency);
        facts.timeToFirstTokenMs = latencyValue(m.firstByteLatency);
      }
    }
    return facts;
  }
  // InvokeModel logs no latency.
  return {};
}

function readMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw new FieldError('requestMetadata');
  for (const key in raw) {
    // The key is caller data: the path names the map only, so reasons stay a small, fixed set.
    if (typeof raw[key] !== 'string') throw new FieldError('requestMetadata');
  }
  // Freshly parsed JSON, owned by us: kept as it is rather than copied.
  return raw as Record<string, string>;
}

/** A rejection with its reason and ids only; a malformed record's requestId is kept only when id-shaped. */
export function rejectionOf(reason: RejectionReason, logEventId?: string, requestId?: string): Rejection {
  return {
    reason,
    logEventId,
    // A malformed record's requestId could hold anything; only an id-shaped value is kept.
    ...(requestId && REQUEST_ID.test(requestId) ? { requestId } : {}),
  };
}

/** A rejection; defined once, outside the hot path (no closure per record). */
function reject(
  context: ParseContext,
  reason: RejectionReason,
  requestId?: string,
): { ok: false; rejection: Rejection } {
  return { ok: false, rejection: rejectionOf(reason, context.logEventId, requestId) };
}

/**
 * Turns one raw log line into an {@link Invocation} or a reasoned {@link Rejection}.
 * Fields are read by name (key order varies between real records); the clock decides whether
 * CloudWatch would still accept a data point at the record's minute.
 */
export function parseInvocationRecord(message: unknown, context: ParseContext): ParseResult {
  const line = parseLogLine(message, context);
  return line.ok ? readInvocation(line.record, context) : line;
}

/**
 * One log event's JSON, parsed once: the batch reads feedback and invocation records from it
 * without scanning or parsing any line twice.
 */
export function parseLogLine(
  message: unknown,
  context: ParseContext,
): { ok: true; record: unknown } | { ok: false; rejection: Rejection } {
  if (typeof message !== 'string') return reject(context, 'invalid-log-event');
  try {
    return { ok: true, record: JSON.parse(message) };
  } catch {
    // e.g. Bedrock's "Permissions are correctly set for Amazon Bedrock logs." line.
    return reject(context, 'not-json');
  }
}

/**
 * The top-level fields an invocation record is read from. Records come in many key orders, so
 * reading fields by name from each would miss V8's property caches on every read: one pass over
 * the record's own keys collects them into this one fixed shape instead.
 */
class RecordFields {
  schemaType: unknown = undefined;
  timestamp: unknown = undefined;
  requestId: unknown = undefined;
  operation: unknown = undefined;
  modelId: unknown = undefined;
  region: unknown = undefined;
  inferenceRegion: unknown = undefined;
  identity: unknown = undefined;
  requestMetadata: unknown = undefined;
  input: unknown = undefined;
  output: unknown = undefined;
  errorCode: unknown = undefined;
  accountId: unknown = undefined;
}

function recordFields(record: Json): RecordFields {
  const f = new RecordFields();
  for (const key in record) {
    switch (key) {
      case 'schemaType':
        f.schemaType = record[key];
        break;
      case 'timestamp':
        f.timestamp = record[key];
        break;
      case 'requestId':
        f.requestId = record[key];
        break;
      case 'operation':
        f.operation = record[key];
        break;
      case 'modelId':
        f.modelId = record[key];
        break;
      case 'region':
        f.region = record[key];
        break;
      case 'inferenceRegion':
        f.inferenceRegion = record[key];
        break;
      case 'identity':
        f.identity = record[key];
        break;
      case 'requestMetadata':
        f.requestMetadata = record[key];
        break;
      case 'input':
        f.input = record[key];
        break;
      case 'output':
        f.output = record[key];
        break;
      case 'errorCode':
        f.errorCode = record[key];
        break;
      case 'accountId':
        f.accountId = record[key];
        break;
    }
  }
  return f;
}

/** An invocation record's parsed JSON → an {@link Invocation} or a reasoned {@link Rejection}. */
export function readInvocation(record: unknown, context: ParseContext): ParseResult {
  if (!isObject(record)) return reject(context, 'not-invocation-record');
  const fields = recordFields(record);
  if (fields.schemaType !== INVOCATION_SCHEMA_TYPE) return reject(context, 'not-invocation-record');
  try {
    return readInvocationRecord(fields, context);
  } catch (error) {
    if (error instanceof FieldError) {
      const requestIdValue = typeof fields.requestId === 'string' ? fields.requestId : undefined;
      return reject(context, `invalid-field:${error.path}`, requestIdValue);
    }
    throw error;
  }
}

function requiredString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new FieldError(path);
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new FieldError(path);
  return value;
}

function optionalSection(value: unknown, path: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new FieldError(path);
  return value;
}

/**
 * The fields of an invocation record, in a fixed order: every field is checked before the time
 * window, so a malformed record is rejected for its field wherever it falls. Throws `FieldError`.
 */
function readInvocationRecord(record: RecordFields, context: ParseContext): ParseResult {
  const timestamp = requiredString(record.timestamp, 'timestamp');
  // Strict ISO-8601, zoneless read as UTC: the same instant in Lambda and in replay on any laptop.
  const timeMs = parseIsoTime(timestamp);
  if (!Number.isFinite(timeMs)) throw new FieldError('timestamp');
  const requestId = requiredString(record.requestId, 'requestId');
  const operation = requiredString(record.operation, 'operation');
  const modelId = requiredString(record.modelId, 'modelId');
  // The model id becomes a CloudWatch dimension value: it must be printable ASCII within 1024.
  if (modelId.length > DIMENSION_VALUE_MAX_LENGTH || !DIMENSION_SAFE.test(modelId)) {
    throw new FieldError('modelId');
  }
  const region = requiredString(record.region, 'region');
  const inferenceRegion = optionalString(record.inferenceRegion, 'inferenceRegion');
  const identity = optionalSection(record.identity, 'identity');
  const callerArn = identity ? optionalString(identity.arn, 'identity.arn') : undefined;
  const requestMetadata = readMetadata(record.requestMetadata);
  const input = optionalSection(record.input, 'input');
  const output = optionalSection(record.output, 'output');
  const inputTokens = optionalCount(input, 'inputTokenCount', 'input.inputTokenCount');
  const cacheReadInputTokens = optionalCount(
    input,
    'cacheReadInputTokenCount',
    'input.cacheReadInputTokenCount',
  );
  const cacheWriteInputTokens = optionalCount(
    input,
    'cacheWriteInputTokenCount',
    'input.cacheWriteInputTokenCount',
  );
  const outputTokens = optionalCount(output, 'outputTokenCount', 'output.outputTokenCount');
  const errorCode = optionalString(record.errorCode, 'errorCode');
  // Bedrock writes errorCode only on failed calls: an empty one is malformed, neither a success to
  // bill nor an error of some class.
  if (errorCode !== undefined && errorCode.trim() === '') throw new FieldError('errorCode');

  if (context.timeWindow !== false && isOutsideTimeWindow(timeMs, context.nowMs)) {
    return reject(context, 'outside-time-window', requestId);
  }

  const invocation: Invocation = { timeMs, requestId, operation, modelId, region, requestMetadata };
  // Optional fields are only ever added, never deleted, always in this order: objects keep one fast
  // shape on the hot path.
  addResponseFacts(invocation, operation, output);
  if (inferenceRegion !== undefined) invocation.inferenceRegion = inferenceRegion;
  if (callerArn !== undefined) invocation.callerArn = callerArn;
  if (inputTokens !== undefined) invocation.inputTokens = inputTokens;
  if (outputTokens !== undefined) invocation.outputTokens = outputTokens;
  if (cacheReadInputTokens !== undefined) invocation.cacheReadInputTokens = cacheReadInputTokens;
  if (cacheWriteInputTokens !== undefined) invocation.cacheWriteInputTokens = cacheWriteInputTokens;
  addBillingFacts(invocation, input, output);
  if (errorCode !== undefined) {
    invocation.errorCode = errorCode;
    invocation.errorClass = classifyErrorCode(errorCode);
  }
  // No metric reads the account: an odd value leaves it unknown rather than rejecting the call.
  const accountId = record.accountId;
  if (typeof accountId === 'string' && ACCOUNT_ID.test(accountId)) invocation.accountId = accountId;
  return { ok: true, invocation };
}

/** Latency, time to first token, stop reason and guardrail from the response body. */
function addResponseFacts(invocation: Invocation, operation: string, output: Json | undefined): void {
  const facts = readBodyFacts(operation, output);
  if (facts.latencyMs !== undefined) invocation.latencyMs = facts.latencyMs;
  if (facts.timeToFirstTokenMs !== undefined) invocation.timeToFirstTokenMs = facts.timeToFirstTokenMs;
  const quality = readQuality(output?.outputBodyJson);
  if (quality.stopReason !== undefined) {
    invocation.stopReason = quality.stopReason;
    invocation.stopClass = stopClassOf(quality.stopReason);
  }
  if (quality.guardrailIntervened) invocation.guardrailIntervened = true;
}

/** The 1-hour cache writes, service tier and routed model that pricing needs. */
function addBillingFacts(invocation: Invocation, input: Json | undefined, output: Json | undefined): void {
  const billing = readBillingFacts(input, output);
  if (billing.cacheWrite1hInputTokens !== undefined)
    invocation.cacheWrite1hInputTokens = billing.cacheWrite1hInputTokens;
  if (billing.serviceTier !== undefined) invocation.serviceTier = billing.serviceTier;
  if (billing.routedModelId !== undefined) invocation.routedModelId = billing.routedModelId;
}

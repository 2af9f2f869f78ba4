import { gunzipSync, gzipSync } from 'node:zlib';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../contract/limits';

/** One log event as CloudWatch Logs delivers it; `message` is the raw line Bedrock wrote. */
export interface LogEvent {
  id: string;
  timestamp: number;
  message: unknown;
}

/** The decoded `awslogs.data` payload. */
export interface SubscriptionPayload {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner?: string;
  logGroup?: string;
  logStream?: string;
  logEvents: LogEvent[];
}

export type DecodeFailure =
  | 'not-subscription-event'
  | 'invalid-base64'
  | 'invalid-gzip'
  | 'too-large'
  | 'invalid-json'
  | 'invalid-payload';

/**
 * The whole batch cannot be read. Thrown before anything is emitted, so Lambda's retries and the
 * on-failure destination keep the event.
 */
export class SubscriptionDecodeError extends Error {
  override readonly name = 'SubscriptionDecodeError';
  constructor(
    readonly failure: DecodeFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${failure}: ${message}`, options);
  }
}

export interface DecodeOptions {
  /** Upper bound on the gunzipped size; a larger payload is a `too-large` failure. */
  maxDecompressedBytes?: number;
}

/**
 * Decodes a CloudWatch Logs subscription event (`{"awslogs":{"data":base64(gzip(JSON))}}`).
 * @throws SubscriptionDecodeError when any step fails.
 */
export function decodeSubscriptionEvent(event: unknown, options: DecodeOptions = {}): SubscriptionPayload {
  const data = (event as { awslogs?: { data?: unknown } } | null)?.awslogs?.data;
  if (typeof data !== 'string') {
    throw new SubscriptionDecodeError('not-subscription-event', 'event has no string awslogs.data');
  }
  return decodeSubscriptionData(data, options);
}

/** Decodes one base64(gzip(JSON)) blob; shared by the Logs and Kinesis event shapes. */
export function decodeSubscriptionData(data: string, options: DecodeOptions = {}): SubscriptionPayload {
  // Buffer.from silently skips characters outside the alphabet (and accepts base64url's - and _),
  // so the decoded length and a few character searches tell: cheap, where a regular expression
  // over 1 MB is measurable.
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  const firstPad = data.indexOf('=');
  const compressed = Buffer.from(data, 'base64');
  if (
    data.length % 4 !== 0 ||
    compressed.length !== (data.length / 4) * 3 - padding ||
    (firstPad !== -1 && firstPad < data.length - padding) ||
    data.includes('-') ||
    data.includes('_')
  ) {
    throw new SubscriptionDecodeError('invalid-base64', `data is not base64 (${data.length} characters)`);
  }
  const maxOutputLength = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  let text: string;
  try {
    text = gunzipSync(compressed, { maxOutputLength }).toString('utf8');
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
      throw new SubscriptionDecodeError('too-large', `payload inflates beyond ${maxOutputLength} bytes`, {
        cause,
      });
    }
    throw new SubscriptionDecodeError('invalid-gzip', (cause as Error).message, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input, which may be a prompt: keep neither it nor the cause.
    throw new SubscriptionDecodeError(
      'invalid-json',
      `payload of ${text.length} characters is not valid JSON`,
    );
  }
  return validatePayload(parsed);
}

/** Checks the decoded payload's envelope; individual events are judged later, one by one. */
export function validatePayload(parsed: unknown): SubscriptionPayload {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SubscriptionDecodeError('invalid-payload', 'payload is not a JSON object');
  }
  const payload = parsed as Record<string, unknown>;
  const { messageType } = payload;
  if (messageType === 'CONTROL_MESSAGE') {
    return { messageType, logEvents: [] };
  }
  if (messageType !== 'DATA_MESSAGE') {
    throw new SubscriptionDecodeError(
      'invalid-payload',
      'messageType is neither DATA_MESSAGE nor CONTROL_MESSAGE',
    );
  }
  if (!Array.isArray(payload.logEvents)) {
    throw new SubscriptionDecodeError('invalid-payload', 'logEvents is not an array');
  }
  const logEvents: LogEvent[] = payload.logEvents.map((raw, index) => {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    return {
      id: typeof e.id === 'string' ? e.id : `#${index}`,
      timestamp: typeof e.timestamp === 'number' ? e.timestamp : Number.NaN,
      message: e.message,
    };
  });
  return {
    messageType,
    owner: typeof payload.owner === 'string' ? payload.owner : undefined,
    logGroup: typeof payload.logGroup === 'string' ? payload.logGroup : undefined,
    logStream: typeof payload.logStream === 'string' ? payload.logStream : undefined,
    logEvents,
  };
}

/** The inverse of {@link decodeSubscriptionEvent}: wraps a payload as CloudWatch Logs delivers it. */
export function encodeSubscriptionEvent(payload: unknown): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64') } };
}

/**
 * Decodes either event shape the ingest function receives: a direct CloudWatch Logs subscription
 * (`{awslogs:{data}}`) or a Kinesis batch (`{Records:[{kinesis:{data}}]}`) in which every record
 * is one subscription payload. A Kinesis batch becomes one payload, so it is deduplicated as a
 * whole; any undecodable record fails the whole batch before anything is emitted.
 */
export function decodeLambdaEvent(event: unknown, options: DecodeOptions = {}): SubscriptionPayload {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return decodeSubscriptionEvent(event, options);
  const logEvents: LogEvent[] = [];
  let messageType: SubscriptionPayload['messageType'] = 'CONTROL_MESSAGE';
  for (const [index, record] of records.entries()) {
    const data = (record as { kinesis?: { data?: unknown } } | null)?.kinesis?.data;
    if (typeof data !== 'string') {
      throw new SubscriptionDecodeError(
        'not-subscription-event',
        `Records[${index}] has no string kinesis.data`,
      );
    }
    const payload = decodeSubscriptionData(data, options);
    if (payload.messageType === 'DATA_MESSAGE') messageType = 'DATA_MESSAGE';
    for (const e of payload.logEvents) logEvents.push(e);
  }
  return { messageType, logEvents };
}

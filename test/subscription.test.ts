import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeSubscriptionEvent,
  encodeSubscriptionEvent,
  SubscriptionDecodeError,
} from '../shared/ingest/1-decode';
import { readFixture } from './support/helpers';

const eventOf = (bytes: Buffer) => ({ awslogs: { data: bytes.toString('base64') } });

function failureOf(event: unknown, maxDecompressedBytes?: number): string {
  try {
    decodeSubscriptionEvent(event, maxDecompressedBytes ? { maxDecompressedBytes } : {});
  } catch (error) {
    if (!(error instanceof SubscriptionDecodeError)) throw error;
    return error.failure;
  }
  throw new Error('expected a SubscriptionDecodeError');
}

describe('decodeSubscriptionEvent', () => {
  it('decodes the sample subscription event into its log events', () => {
    const payload = decodeSubscriptionEvent(JSON.parse(readFixture('subscription-lambda-event.json')));

    expect(payload.messageType).toBe('DATA_MESSAGE');
    expect(payload.logGroup).toBe('/aws/bedrock/modelinvocations');
    expect(payload.logEvents.length).toBeGreaterThan(0);
    for (const e of payload.logEvents) expect(typeof e.message).toBe('string');
  });

  it('returns no events for a CONTROL_MESSAGE', () => {
    const event = encodeSubscriptionEvent({
      messageType: 'CONTROL_MESSAGE',
      logEvents: [{ id: '', timestamp: 0, message: 'CWL CONTROL MESSAGE: Checking health of destination' }],
    });

    expect(decodeSubscriptionEvent(event)).toEqual({ messageType: 'CONTROL_MESSAGE', logEvents: [] });
  });

  it.each([
    ['an event without awslogs', { Records: [] }, 'not-subscription-event'],
    ['a non-string data field', { awslogs: { data: 42 } }, 'not-subscription-event'],
    ['broken base64', { awslogs: { data: 'H4sI!!not base64' } }, 'invalid-base64'],
    ['base64 that is not gzip', eventOf(Buffer.from('plain text, not gzip')), 'invalid-gzip'],
    [
      'truncated gzip',
      eventOf(gzipSync(Buffer.from('{"messageType":"DATA_MESSAGE"}')).subarray(0, 12)),
      'invalid-gzip',
    ],
    ['gzip of invalid JSON', eventOf(gzipSync(Buffer.from('{"messageType":'))), 'invalid-json'],
    ['a JSON array payload', eventOf(gzipSync(Buffer.from('[]'))), 'invalid-payload'],
    [
      'an unknown messageType',
      eventOf(gzipSync(Buffer.from('{"messageType":"X","logEvents":[]}'))),
      'invalid-payload',
    ],
    [
      'logEvents that is not an array',
      eventOf(gzipSync(Buffer.from('{"messageType":"DATA_MESSAGE"}'))),
      'invalid-payload',
    ],
  ])('fails the batch by name on %s', (_name, event, failure) => {
    expect(failureOf(event)).toBe(failure);
  });

  it('stops a decompression bomb at the configured cap', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));

    const failure = failureOf(eventOf(bomb), 1024 * 1024);

    expect(bomb.length).toBeLessThan(128 * 1024);
    expect(failure).toBe('too-large');
  });

  it('never quotes the payload in its error message', () => {
    const secret = 'SECRET-PROMPT-TEXT';

    try {
      decodeSubscriptionEvent(eventOf(gzipSync(Buffer.from(`{"messageType": "${secret}`))));
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
      expect((error as Error).cause).toBeUndefined();
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIsoTime } from '../shared/time';

describe('parseIsoTime', () => {
  it.each([
    ['2025-10-20T10:00:00Z', Date.UTC(2025, 9, 20, 10)],
    ['2025-10-20T10:00:00', Date.UTC(2025, 9, 20, 10)],
    ['2025-10-20T10:00:00.250Z', Date.UTC(2025, 9, 20, 10, 0, 0, 250)],
    ['2025-10-20T12:00:00+02:00', Date.UTC(2025, 9, 20, 10)],
    ['2025-10-20T05:30-0430', Date.UTC(2025, 9, 20, 10)],
    ['2025-10-20 10:00', Date.UTC(2025, 9, 20, 10)],
    ['2025-10-20', Date.UTC(2025, 9, 20)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (text, expected) => {
    expect(parseIsoTime(text)).toBe(expected);
  });

  it.each([
    '5',
    'yesterday',
    '2025-02-30T00:00:00Z',
    '2023-02-29',
    '2025-10-20T24:00:00Z',
    '2025-10-20T10:60:00Z',
    '2025-10-20T10:00:60Z',
    '1969-12-31T23:59:59Z',
    '2025-13-01',
    '2025-1a-20T10:00:00Z',
    'Mon, 20 Oct 2025 10:00:00 GMT',
  ])('refuses %s', (text) => {
    expect(parseIsoTime(text)).toBeNaN();
  });

  it('agrees with Date.parse on every valid UTC time Bedrock could write', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (date) => {
          const text = date.toISOString().replace(/\.\d{3}Z$/, 'Z');

          const parsed = parseIsoTime(text);

          expect(parsed).toBe(Date.parse(text));
        },
      ),
    );
  });
});

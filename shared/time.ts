/**
 * One reading of ISO-8601 times for everything that takes a time from a person or a log: record
 * timestamps (Lambda and replay alike) and the replay flags `--now`, `--since` and `--until`.
 *
 * `Date.parse` is too lenient to share: it reads a zoneless date-time in the machine's local time
 * zone (so replay on a laptop and the function in Lambda disagree), turns "5" into 2001-05-01 and
 * rolls February 30 over into March. This parser takes only calendar dates and date-times, reads a
 * zoneless one as UTC (what Lambda, whose clock is UTC, has always done), and refuses anything else.
 */

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days in a month (1-12) of the Gregorian calendar; arithmetic, as it runs once per record. */
const daysIn = (year: number, month: number) =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
    ? 29
    : (MONTH_DAYS[month - 1] as number);

/**
 * Epoch ms of an ISO-8601 date (`2025-10-20`, midnight UTC) or date-time (`2025-10-20T10:00:00Z`,
 * with optional seconds, fraction and offset; zoneless means UTC), or NaN for anything else,
 * including impossible dates and times before 1970 (CloudWatch cannot hold them).
 * @example parseIsoTime('2025-10-20T10:00:00') === Date.UTC(2025, 9, 20, 10) // true, whatever TZ is
 */
export function parseIsoTime(text: string): number {
  const fast = canonicalTime(text);
  if (fast !== undefined) return fast;
  const m = ISO_TIME.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, oh = '0', om = '0'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    Number(oh) > 23 ||
    Number(om) > 59
  ) {
    return Number.NaN;
  }
  const ms = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  const offsetMs = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs;
  return time >= 0 ? time : Number.NaN;
}

const ZERO = 48;
/** The value of the two digits at `i`, or NaN. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - ZERO;
  const b = text.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * The form Bedrock writes, `2025-10-20T10:00:00Z`, read without a regular expression: one call per
 * record on the hot path. Undefined for any other form (the general reading takes it).
 */
function canonicalTime(text: string): number | undefined {
  if (
    text.length !== 20 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 90
  ) {
    return undefined;
  }
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  // Any non-digit made a NaN; out-of-range fields are refused as the general reading refuses them.
  if (
    !(year >= 1970) ||
    !(month >= 1 && month <= 12) ||
    !(day >= 1 && day <= daysIn(year, month)) ||
    !(hour <= 23) ||
    !(minute <= 59) ||
    !(second <= 59)
  ) {
    return Number.NaN;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

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

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Epoch ms of an ISO-8601 date (`2025-10-20`, midnight UTC) or date-time (`2025-10-20T10:00:00Z`,
 * with optional seconds, fraction and offset; zoneless means UTC), or NaN for anything else,
 * including impossible dates and times before 1970 (CloudWatch cannot hold them).
 * @example parseIsoTime('2025-10-20T10:00:00') === Date.UTC(2025, 9, 20, 10) // true, whatever TZ is
 */
export function parseIsoTime(text: string): number {
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

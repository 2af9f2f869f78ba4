/** The HTTP request a destination gets: built purely, sent by the notifier's HTTP sender. */
import { moreFindingsLine } from '../../advice/weekly';
import type { SavingsReport } from '../savings-report';
import type { AlertView } from '../view';
import { checkedUrl, type UrlPolicy } from './url';

export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export type AlertAction = 'trigger' | 'resolve';

/**
 * One kind of destination, as one entry of DESTINATIONS (destinations/index.ts): adding a kind is
 * adding an entry; the target types, the pager rule, secret parsing and requests all read the table.
 */
export interface Destination<S> {
  /** Pages a person: an empty warning policy leaves it out, so a warning never pages unless asked. */
  pages: boolean;
  /**
   * The destination deduplicates by our key (PagerDuty's dedup_key, Opsgenie's alias), so a request
   * whose answer timed out may be sent again without a second page.
   */
  idempotent: boolean;
  /**
   * The secret's value (bare, or parsed JSON when it is an object), checked.
   * @throws AlertSpecError saying what is wrong, never quoting the value.
   */
  parseSecret: (raw: string, json: Record<string, unknown> | undefined, urls: UrlPolicy) => S;
  request: (view: AlertView, action: AlertAction, secret: S) => HttpRequest;
  /** What it does with the weekly savings report (not an alarm): the request, or why it gets none. */
  report: ReportRule<S>;
}

/** A destination's way with the weekly savings report: a request of its own format, or a reason to skip. */
export type ReportRule<S> = { request: (report: SavingsReport, secret: S) => HttpRequest } | { skip: string };

/**
 * Cuts text to a destination's field limit (in UTF-16 units, what the limits count), marking the
 * cut, and never in the middle of a character: a surrogate pair or an emoji's joiner stays whole.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.replace(/[\u200D\uFE0F]+$/, '')}…`;
}

/** A JSON POST. */
export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}): HttpRequest => ({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * A chat channel's incoming webhook (Slack, Teams): the secret is its URL, bare or as `{ "url" }`;
 * it only posts, so a timed-out post is not resent, and it pages nobody.
 */
export function incomingWebhook(
  label: string,
  request: (view: AlertView, action: AlertAction, url: string) => HttpRequest,
  report: (report: SavingsReport, url: string) => HttpRequest,
): Destination<{ url: string }> {
  return {
    pages: false,
    idempotent: false,
    parseSecret: (raw, json, urls) => ({
      url: checkedUrl(json ? json.url : raw, `the ${label} webhook URL`, urls),
    }),
    request: (view, action, secret) => request(view, action, secret.url),
    report: { request: (r, secret) => report(r, secret.url) },
  };
}

const isFinding = (line: string) => line.startsWith('- ');
/** The advisor's own count of findings it left out of a basis (its "… N more findings" line). */
const moreOf = (line: string): number | undefined => {
  const m = /^… (\d+) more findings?$/.exec(line);
  return m ? Number(m[1]) : undefined;
};

/**
 * One paragraph's lines within `max` characters (joined by newlines, after `quote`): whole if it
 * fits, else its first lines and as many findings as fit, then "… N more findings" counting those
 * dropped and any the advisor had already left out. A line longer than the limit on its own is clipped
 * (marked with …).
 */
export function fitParagraph(
  lines: readonly string[],
  max: number,
  quote: (s: string) => string = (s) => s,
): string {
  const whole = lines.map(quote).join('\n');
  if (whole.length <= max) return whole;
  const head = lines.filter((l) => !isFinding(l) && moreOf(l) === undefined);
  const findings = lines.filter(isFinding);
  const before = lines.reduce((n, l) => n + (moreOf(l) ?? 0), 0);
  const build = (kept: number) => {
    const dropped = findings.length - kept + before;
    return [...head, ...findings.slice(0, kept), ...(dropped > 0 ? [moreFindingsLine(dropped)] : [])]
      .map(quote)
      .join('\n');
  };
  let kept = findings.length;
  let text = build(kept);
  while (kept > 0 && text.length > max) text = build(--kept);
  return clip(text, max);
}

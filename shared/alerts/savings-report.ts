/**
 * The weekly savings report as the notifier passes it on: the advisor's SNS message (marked with
 * the `bedrockWatch=advice` attribute) read back into its paragraphs; destinations/request.ts
 * fits a paragraph to a chat destination's limits (fitParagraph). The text is the advisor's own
 * (shared/advice/weekly.ts): check names, scopes, call counts, dollars and formulas, no prompt or
 * response text.
 */
import { ADVICE_ATTRIBUTE, ADVICE_HEADLINE } from '../advice/weekly';

export interface SavingsReport {
  /** The SNS subject the advisor set (at most 100 characters), or the first line without one. */
  subject: string;
  /** The whole text, as e-mail subscribers get it. */
  text: string;
  /** Its paragraphs (blank-line separated), each as its lines. */
  paragraphs: string[][];
}

/** The largest message SNS publishes (256 KiB); anything longer did not come from the advisor. */
const MAX_MESSAGE_CHARS = 262_144;

/** Whether an SNS record carries the advisor's attribute (the attribute decides, not the text). */
export const isAdviceRecord = (attributes: Readonly<Record<string, string>> | undefined): boolean =>
  attributes?.[ADVICE_ATTRIBUTE.name] === ADVICE_ATTRIBUTE.value;

/**
 * The report an advice message holds, or why it is not one (`advice-malformed`): empty, too long,
 * or not starting with the advisor's headline for this stack.
 * @example parseSavingsReport('bedrock-watch-prod weekly savings: …', 'Weekly savings report of bedrock-watch-prod: …', 'bedrock-watch-prod')
 */
export function parseSavingsReport(
  subject: string | undefined,
  message: string,
  namePrefix: string,
): SavingsReport | { rejected: 'advice-malformed' } {
  const text = message.replace(/\r\n/g, '\n').trim();
  if (
    text.length === 0 ||
    text.length > MAX_MESSAGE_CHARS ||
    !text.startsWith(`${ADVICE_HEADLINE} ${namePrefix}:`)
  )
    return { rejected: 'advice-malformed' };
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => p.split('\n').filter((l) => l.trim() !== ''))
    .filter((p) => p.length > 0);
  const first = paragraphs[0]?.[0] ?? text;
  // SNS subjects are under 100 characters; the first line is the fallback, cut to the same.
  return { subject: ((subject ?? '').trim() || first).slice(0, 100), text, paragraphs };
}

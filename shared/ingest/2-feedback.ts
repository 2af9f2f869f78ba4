/**
 * Stage 2 for feedback records (shared/contract/feedback.ts): a raw line from the feedback log group
 * → Feedback | Rejection. Checked as strictly as invocation records: a bad one is a counted,
 * reasoned rejection, and nothing but the score, the ids and two short words is kept.
 */
import {
  FEEDBACK_SCHEMA_TYPE,
  FEEDBACK_SCORE_MAX,
  FEEDBACK_SCORE_MIN,
  FEEDBACK_WORD,
} from '../contract/feedback';
import { DIMENSION_VALUE_MAX_LENGTH } from '../contract/limits';
import { isObject } from '../json';
import { parseIsoTime } from '../time';
import { isOutsideTimeWindow, type ParseContext, type Rejection, rejectionOf } from './2-parse';

/** One feedback record, normalised. */
export interface Feedback {
  timeMs: number;
  requestId: string;
  /** As the application gave it: the model id as logged. */
  modelId: string;
  /** 0 (worst) to 1 (best). */
  score: number;
  label?: string;
  team?: string;
}

export type FeedbackParseResult = { ok: true; feedback: Feedback } | { ok: false; rejection: Rejection };

const DIMENSION_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const REQUEST_ID = /^[A-Za-z0-9-]{1,128}$/;

/** Reads one feedback line; `undefined` when the line is not a feedback record at all. */
export function parseFeedbackRecord(message: string, context: ParseContext): FeedbackParseResult | undefined {
  let record: unknown;
  try {
    record = JSON.parse(message);
  } catch {
    return undefined;
  }
  return readFeedback(record, context);
}

/** A parsed log line as feedback; `undefined` when it is not a feedback record at all. */
export function readFeedback(record: unknown, context: ParseContext): FeedbackParseResult | undefined {
  if (!isObject(record) || record.schemaType !== FEEDBACK_SCHEMA_TYPE) return undefined;
  const requestId = typeof record.requestId === 'string' ? record.requestId : undefined;
  const reject = (field: string): FeedbackParseResult => ({
    ok: false,
    rejection: rejectionOf(`invalid-field:feedback.${field}`, context.logEventId, requestId),
  });
  const timeMs = typeof record.timestamp === 'string' ? parseIsoTime(record.timestamp) : Number.NaN;
  if (!Number.isFinite(timeMs)) return reject('timestamp');
  if (requestId === undefined || !REQUEST_ID.test(requestId)) return reject('requestId');
  const { modelId, score, label, team } = record;
  if (
    typeof modelId !== 'string' ||
    modelId.length > DIMENSION_VALUE_MAX_LENGTH ||
    !DIMENSION_SAFE.test(modelId)
  )
    return reject('modelId');
  if (typeof score !== 'number' || !(score >= FEEDBACK_SCORE_MIN && score <= FEEDBACK_SCORE_MAX))
    return reject('score');
  for (const [field, value] of [
    ['label', label],
    ['team', team],
  ] as const) {
    if (value !== undefined && value !== null && (typeof value !== 'string' || !FEEDBACK_WORD.test(value)))
      return reject(field);
  }
  if (context.timeWindow !== false && isOutsideTimeWindow(timeMs, context.nowMs)) {
    return { ok: false, rejection: rejectionOf('outside-time-window', context.logEventId, requestId) };
  }
  const feedback: Feedback = { timeMs, requestId, modelId, score };
  if (typeof label === 'string') feedback.label = label;
  if (typeof team === 'string') feedback.team = team;
  return { ok: true, feedback };
}

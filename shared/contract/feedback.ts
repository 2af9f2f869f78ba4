/**
 * The feedback record applications write to the feedback log group (docs/quality.md, User
 * feedback): one JSON object per line, joined to the model by `modelId` (and to the call by
 * `requestId`). It carries a score, never text.
 *
 * @example
 * {"schemaType":"BedrockWatchFeedback","schemaVersion":"1.0","timestamp":"2025-10-20T09:15:00Z",
 *  "requestId":"0b6f3e2a-4c1d-4e8f-9a7b-2d5c6e1f0a93","modelId":"anthropic.claude-3-haiku-20240307-v1:0",
 *  "score":1,"label":"thumbs","team":"support"}
 */
export const FEEDBACK_SCHEMA_TYPE = 'BedrockWatchFeedback';

/** The score's range: 0 (worst) to 1 (best); thumbs down/up are 0/1, a 1–5 rating is (n − 1) / 4. */
export const FEEDBACK_SCORE_MIN = 0;
export const FEEDBACK_SCORE_MAX = 1;

/** `label` and `team`: short words (letters, digits, `.`, `_`, `-`), at most 64 characters. */
export const FEEDBACK_WORD = /^[A-Za-z0-9._-]{1,64}$/;

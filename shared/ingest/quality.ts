/**
 * Stage 2's reading of the quality fields of an invocation's output body: why the model stopped
 * (the stop reason, as the model family spells it) and whether a guardrail intervened. Only these
 * fields are read, by name; the answer's text is never read or copied. What each model family
 * writes, and where that was found, is in events/fixtures/README.md and docs/quality.md.
 */
import { isObject, type Json } from '../json';

/** What the stop reason says about the answer: the only part of it that leaves this stage. */
export type StopClass = 'complete' | 'truncated' | 'content-filtered' | 'guardrail' | 'other';

/** The quality facts of one call's output body. */
export interface QualityFacts {
  /** The stop reason exactly as logged (letters and underscores only), when the body names one. */
  stopReason?: string;
  /** A guardrail intervened: its stop reason, `amazon-bedrock-guardrailAction` or its trace says so. */
  guardrailIntervened: boolean;
}

const STOP_REASON = /^[A-Za-z_]{1,64}$/;

/**
 * Stop reasons by what they mean, lower-cased. Converse: end_turn, tool_use, stop_sequence,
 * max_tokens, guardrail_intervened, content_filtered (MessageStopEvent); Anthropic messages:
 * end_turn, max_tokens, stop_sequence, tool_use, refusal, model_context_window_exceeded; Titan:
 * FINISHED, LENGTH, STOP_CRITERIA_MET, CONTENT_FILTERED; Llama and Mistral: stop, length; OpenAI-style
 * chat bodies (Mistral Large 2407, gpt-oss, AI21 Jamba, DeepSeek): stop, length, content_filter;
 * Cohere: COMPLETE, MAX_TOKENS, ERROR_TOXIC, ERROR_LIMIT.
 */
const TRUNCATED = new Set([
  'max_tokens',
  'length',
  'model_length',
  'model_context_window_exceeded',
  'error_limit',
]);
const CONTENT_FILTERED = new Set(['content_filtered', 'content_filter', 'error_toxic', 'refusal']);
const GUARDRAIL = new Set(['guardrail_intervened']);
const COMPLETE = new Set([
  'end_turn',
  'stop_sequence',
  'tool_use',
  'tool_calls',
  'stop',
  'finished',
  'stop_criteria_met',
  'complete',
  'eos_token',
]);

/** The class of a stop reason; undefined when there is none. */
export function stopClassOf(stopReason: string | undefined): StopClass | undefined {
  if (stopReason === undefined) return undefined;
  const r = stopReason.toLowerCase();
  if (TRUNCATED.has(r)) return 'truncated';
  if (GUARDRAIL.has(r)) return 'guardrail';
  if (CONTENT_FILTERED.has(r)) return 'content-filtered';
  if (COMPLETE.has(r)) return 'complete';
  return 'other';
}

const stopReasonValue = (value: unknown): string | undefined =>
  typeof value === 'string' && STOP_REASON.test(value) ? value : undefined;

const first = (value: unknown): Json | undefined =>
  Array.isArray(value) && isObject(value[0]) ? value[0] : undefined;

/**
 * The stop reason of one body or stream chunk, whatever the family: top-level `stopReason`
 * (Converse, Nova) or `stop_reason` (Anthropic, Llama), `delta.stop_reason` (Anthropic
 * `message_delta` chunk), `messageStop.stopReason` (Nova chunk), `completionReason` (Titan chunk) and
 * `results[0].completionReason` (Titan body), `outputs[0].stop_reason` (Mistral text),
 * `choices[0].finish_reason`/`stop_reason` (OpenAI-style chat), `finish_reason` (Cohere Command R)
 * and `generations[0].finish_reason` (Cohere Command).
 */
export function stopReasonOf(body: Json): string | undefined {
  const delta = isObject(body.delta) ? body.delta : undefined;
  const messageStop = isObject(body.messageStop) ? body.messageStop : undefined;
  const choice = first(body.choices);
  const candidates: unknown[] = [
    body.stopReason,
    body.stop_reason,
    delta?.stop_reason,
    messageStop?.stopReason,
    body.completionReason,
    first(body.results)?.completionReason,
    first(body.outputs)?.stop_reason,
    choice?.finish_reason,
    choice?.stop_reason,
    body.finish_reason,
    first(body.generations)?.finish_reason,
  ];
  for (const c of candidates) {
    const value = stopReasonValue(c);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Whether the body (or chunk) says a guardrail intervened: `amazon-bedrock-guardrailAction` of
 * InvokeModel bodies, or a guardrail trace (`amazon-bedrock-trace.guardrail` of InvokeModel,
 * `trace.guardrail` of Converse) whose `action` or `actionReason` says it intervened.
 */
export function guardrailIntervenedIn(body: Json): boolean {
  if (body['amazon-bedrock-guardrailAction'] === 'INTERVENED') return true;
  for (const traceKey of ['amazon-bedrock-trace', 'trace']) {
    const trace = body[traceKey];
    const guardrail = isObject(trace) && isObject(trace.guardrail) ? trace.guardrail : undefined;
    if (!guardrail) continue;
    if (guardrail.action === 'INTERVENED') return true;
    const reason = guardrail.actionReason;
    if (typeof reason === 'string' && /intervened|blocked/i.test(reason)) return true;
  }
  return false;
}

/**
 * The quality facts of an output body: one object (Converse, ConverseStream, InvokeModel) or a list
 * of stream chunks (InvokeModelWithResponseStream, searched from the end, where the stop reason rides).
 */
export function readQuality(body: unknown): QualityFacts {
  if (isObject(body)) {
    const stopReason = stopReasonOf(body);
    const guardrailIntervened = guardrailIntervenedIn(body) || stopClassOf(stopReason) === 'guardrail';
    return stopReason === undefined ? { guardrailIntervened } : { stopReason, guardrailIntervened };
  }
  if (!Array.isArray(body)) return { guardrailIntervened: false };
  let stopReason: string | undefined;
  let guardrailIntervened = false;
  for (let i = body.length - 1; i >= 0; i--) {
    const chunk = body[i];
    if (!isObject(chunk)) continue;
    if (stopReason === undefined) stopReason = stopReasonOf(chunk);
    if (!guardrailIntervened) guardrailIntervened = guardrailIntervenedIn(chunk);
  }
  if (stopClassOf(stopReason) === 'guardrail') guardrailIntervened = true;
  return stopReason === undefined ? { guardrailIntervened } : { stopReason, guardrailIntervened };
}

/**
 * An empty answer: a successful call whose body names a stop reason (so it generated text, unlike
 * an embedding) and that logged zero output tokens, for a reason other than a guardrail or a
 * content filter (those are counted as such).
 */
export function isEmptyAnswer(call: {
  errorCode?: string;
  stopClass?: StopClass;
  guardrailIntervened?: true;
  outputTokens?: number;
}): boolean {
  return (
    call.errorCode === undefined &&
    call.stopClass !== undefined &&
    call.stopClass !== 'guardrail' &&
    call.stopClass !== 'content-filtered' &&
    call.guardrailIntervened === undefined &&
    call.outputTokens === 0
  );
}

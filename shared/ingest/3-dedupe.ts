import type { Invocation } from './2-parse';

export interface DedupeResult {
  invocations: Invocation[];
  /** Redelivered copies and ConverseStream placeholders that were dropped. */
  duplicates: number;
}

/**
 * ConverseStream can log a first record with every count at zero and then the full record under
 * the same requestId. A successful call always reads at least one input token, so a successful
 * ConverseStream record whose counts are all explicitly zero is that placeholder.
 */
export function isStreamPlaceholder(invocation: Invocation): boolean {
  return (
    invocation.operation === 'ConverseStream' &&
    invocation.errorCode === undefined &&
    invocation.inputTokens === 0 &&
    invocation.outputTokens === 0 &&
    !invocation.cacheReadInputTokens &&
    !invocation.cacheWriteInputTokens
  );
}

/**
 * Keeps one invocation per requestId. Placeholders are dropped, even alone: their full record
 * carries the real counts (in this batch or a later one), so counting both would double the call.
 * Among real copies the first one wins; copies of one request are identical.
 */
export function dedupeInvocations(invocations: readonly Invocation[]): DedupeResult {
  const kept = new Map<string, Invocation>();
  let duplicates = 0;
  for (const invocation of invocations) {
    if (isStreamPlaceholder(invocation) || kept.has(invocation.requestId)) {
      duplicates++;
      continue;
    }
    kept.set(invocation.requestId, invocation);
  }
  return { invocations: [...kept.values()], duplicates };
}

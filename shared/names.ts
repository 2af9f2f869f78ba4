/**
 * Helpers for names a person typed (stack parameters, configuration keys), shared by the deploy
 * definitions and the ingest settings without either importing the other.
 */

/** Levenshtein distance, ignoring case: a misspelt name is often only a wrong capital away. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
    }
    row = next;
  }
  return row[b.length] ?? Number.POSITIVE_INFINITY;
}

/**
 * The known name closest to a misspelt one (edit distance at most a third of its length, or 2),
 * if any.
 * @example closestName('watchedModel', ['watchedModels', 'quotas']) // 'watchedModels'
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(name, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** A budget, target or escalation spec is malformed; the message names the entry and the rule. */
export class AlertSpecError extends Error {
  override readonly name = 'AlertSpecError';
}

/**
 * The entries of a `;`-separated spec, trimmed, empty ones dropped.
 * @example specEntries(' a=1 ;; b=2 ') // ['a=1', 'b=2']
 */
export function specEntries(spec: string): string[] {
  return spec
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

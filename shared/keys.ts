/**
 * A Map key for a tuple of parts. Each part is written with its length in front, so no value can
 * imitate a separator (joining with `|` once merged team `x|y` on model `m` with team `x` on model
 * `y|m`), at about the cost of the join it replaces; JSON.stringify was several times slower on the
 * simulator's hot path.
 * @example tupleKey(minuteMs, modelId) // '13:1760950800000' + '38:anthropic.claude-3-haiku-20240307-v1:0'
 */
export function tupleKey(...parts: readonly (string | number)[]): string {
  let key = '';
  for (const part of parts) {
    const text = String(part);
    key += `${text.length}:${text}`;
  }
  return key;
}

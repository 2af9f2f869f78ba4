/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** A plain JSON object (not null, not an array): the check every reader of untrusted JSON needs. */
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

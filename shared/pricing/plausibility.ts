/**
 * Whether a rate is plausible as USD per 1,000 tokens. AWS's pricing page quotes most models per
 * million tokens, so a figure copied from it into a price file (gpt-oss-120b's 0.15) prices every
 * call 1,000 times too high; one copied from a per-token table, 1,000 times too low. The bounds
 * come from the bundled table's own range (167 rates, `test/pricing-overlay.test.ts` keeps them
 * in step):
 *   - its dearest rate is 0.075 (Claude Opus 4 and 4.1 output, $75 per million). Above 0.1 ($100
 *     per million) nothing Bedrock lists is that dear, while a per-million figure read as per-1K
 *     lands there for every rate of $0.10 per million or more — all but the cheapest inputs;
 *   - its cheapest non-zero rate is 0.00000875 (Nova Micro cache read, $0.00875 per million).
 *     Below 0.000001 ($0.001 per million, nine times cheaper) is a per-token figure, or a
 *     per-million one divided twice. Zero stays allowed (embeddings bill no output tokens).
 * A per-million figure under $0.10 (Nova Micro's 0.035) cannot be told from a dear per-1K rate by
 * its size alone; those pass.
 */

export const PLAUSIBLE_MAX_PER_1K_TOKENS = 0.1;
export const PLAUSIBLE_MIN_PER_1K_TOKENS = 0.000001;

const within = (x: number) => x >= PLAUSIBLE_MIN_PER_1K_TOKENS && x <= PLAUSIBLE_MAX_PER_1K_TOKENS;
const show = (x: number) => String(Number(x.toPrecision(6)));

/**
 * Why `usd` is implausible per 1,000 tokens, with the fix when a unit mix-up explains it; undefined
 * for a plausible rate (or zero).
 */
export function implausibleRate(usd: number): string | undefined {
  if (usd === 0 || within(usd)) return undefined;
  if (usd > PLAUSIBLE_MAX_PER_1K_TOKENS) {
    const hint = within(usd / 1000)
      ? `; this looks like a price per million tokens: divide by 1000 (${show(usd / 1000)})`
      : '';
    return `${usd} USD per 1,000 tokens is implausible (at most ${PLAUSIBLE_MAX_PER_1K_TOKENS}, above the dearest rate Bedrock lists)${hint}`;
  }
  const hint = within(usd * 1000)
    ? `; this looks like a price per token: multiply by 1000 (${show(usd * 1000)})`
    : '';
  return `${usd} USD per 1,000 tokens is implausible (at least ${PLAUSIBLE_MIN_PER_1K_TOKENS}, or 0 for tokens not billed)${hint}`;
}

type Rates = Partial<Record<'input' | 'output' | 'cacheRead' | 'cacheWrite' | 'cacheWrite1h', number>>;
const RATE_KEYS = ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h'] as const;

/** The implausible rates of a price entry (its own, long-context and tier rates), as `field: why`. */
export function implausibleRatesOf(
  entry: Rates & { longContext?: Rates; tiers?: Record<string, Rates> },
): string[] {
  const sets: [string, Rates][] = [
    ['', entry],
    ...(entry.longContext ? [['longContext.', entry.longContext] as [string, Rates]] : []),
    ...Object.entries(entry.tiers ?? {}).map(([tier, rates]): [string, Rates] => [`tiers.${tier}.`, rates]),
  ];
  const found: string[] = [];
  for (const [prefix, rates] of sets)
    for (const key of RATE_KEYS) {
      const why = rates[key] === undefined ? undefined : implausibleRate(rates[key]);
      if (why !== undefined) found.push(`${prefix}${key}: ${why}`);
    }
  return found;
}

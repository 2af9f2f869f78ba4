/**
 * How old a price entry may be. Every entry carries `asOf`, the day it was last checked against
 * its source; past {@link MAX_PRICE_AGE_DAYS} it must say in its `note` that it was not rechecked
 * (and why), or the price-age test fails: prices change (Claude 3.5 Sonnet doubled on 1 Dec 2025)
 * and a silent old figure is how the table drifted before. `npm run prices -- update` refreshes
 * `asOf` for every entry the AWS Price List still lists.
 */
import type { ModelPrice } from '../ingest/5-price';

export const MAX_PRICE_AGE_DAYS = 180;

/** The words an old entry's note must contain: a reader knows the figure was left on purpose. */
export const NOT_RECHECKED = /not rechecked/i;

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface StaleEntry {
  modelId: string;
  region: string;
  asOf: string | undefined;
  ageDays: number | undefined;
}

/** Entries without a valid `asOf`, or older than `maxAgeDays` at `nowMs` without a not-rechecked note. */
export function staleEntries(
  prices: readonly Pick<ModelPrice, 'modelId' | 'region' | 'asOf' | 'note'>[],
  nowMs: number,
  maxAgeDays = MAX_PRICE_AGE_DAYS,
): StaleEntry[] {
  const stale: StaleEntry[] = [];
  for (const { modelId, region, asOf, note } of prices) {
    const checkedMs = asOf !== undefined && ISO_DAY.test(asOf) ? Date.parse(`${asOf}T00:00:00Z`) : Number.NaN;
    if (!Number.isFinite(checkedMs)) {
      stale.push({ modelId, region, asOf, ageDays: undefined });
      continue;
    }
    const ageDays = Math.floor((nowMs - checkedMs) / DAY_MS);
    if (ageDays > maxAgeDays && !NOT_RECHECKED.test(note ?? ''))
      stale.push({ modelId, region, asOf, ageDays });
  }
  return stale;
}

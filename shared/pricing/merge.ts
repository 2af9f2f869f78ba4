/**
 * Layers freshly fetched price entries over a price file and says what changed, for review before
 * the file is committed. An entry fetched for a model and region replaces the one that priced it
 * (its own entry, or another entry's `alsoRegions`); entries the Price List no longer lists are kept
 * as they were, and the price-age test flags them once they are old.
 */
import type { ModelPrice, PriceData } from '../ingest/5-price';

const RATE_FIELDS = [
  'input',
  'output',
  'cacheRead',
  'cacheWrite',
  'cacheWrite1h',
  'nonGlobalMultiplier',
] as const;
const SHAPED_FIELDS = ['longContext', 'tiers'] as const;

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface PriceChange {
  kind: 'added' | 'changed' | 'unchanged';
  modelId: string;
  region: string;
  fields: FieldChange[];
}

function fieldChanges(before: ModelPrice | undefined, after: ModelPrice): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of RATE_FIELDS) {
    if (before?.[field] !== after[field]) changes.push({ field, from: before?.[field], to: after[field] });
  }
  for (const field of SHAPED_FIELDS) {
    const from = before?.[field];
    const to = after[field];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, from, to });
  }
  return changes;
}

/** The price file with `fetched` layered in, and one change record per fetched entry. */
export function mergePrices(
  current: PriceData,
  fetched: readonly ModelPrice[],
): { data: PriceData; changes: PriceChange[] } {
  const prices = current.prices.map((p) => ({
    ...p,
    ...(p.alsoRegions ? { alsoRegions: [...p.alsoRegions] } : {}),
  }));
  const changes: PriceChange[] = [];
  for (const entry of fetched) {
    const ownIndex = prices.findIndex((p) => p.modelId === entry.modelId && p.region === entry.region);
    const covering = prices.find((p) => p.modelId === entry.modelId && p.alsoRegions?.includes(entry.region));
    const before = ownIndex >= 0 ? prices[ownIndex] : covering;
    const fields = fieldChanges(before, entry);
    changes.push({
      kind: before === undefined ? 'added' : fields.length > 0 ? 'changed' : 'unchanged',
      modelId: entry.modelId,
      region: entry.region,
      fields: before === undefined ? [] : fields,
    });
    if (covering?.alsoRegions) covering.alsoRegions = covering.alsoRegions.filter((r) => r !== entry.region);
    if (ownIndex >= 0) {
      const own = prices[ownIndex] as ModelPrice;
      // The fetched rates replace the old ones; regions listed alongside keep being priced alike.
      prices[ownIndex] = { ...entry, ...(own.alsoRegions?.length ? { alsoRegions: own.alsoRegions } : {}) };
    } else {
      prices.push({ ...entry });
    }
  }
  for (const p of prices) if (p.alsoRegions?.length === 0) delete p.alsoRegions;
  return { data: { ...current, prices }, changes };
}

const show = (value: unknown) =>
  value === undefined ? '-' : typeof value === 'object' ? JSON.stringify(value) : String(value);

/** The changes as a review diff: `+` added, `~` changed (field: old → new), then a count line. */
export function formatChanges(changes: readonly PriceChange[]): string {
  const lines: string[] = [];
  for (const change of changes) {
    if (change.kind === 'added') lines.push(`+ ${change.modelId} ${change.region}`);
    if (change.kind !== 'changed') continue;
    lines.push(`~ ${change.modelId} ${change.region}`);
    for (const { field, from, to } of change.fields) lines.push(`    ${field}: ${show(from)} → ${show(to)}`);
  }
  const count = (kind: PriceChange['kind']) => changes.filter((c) => c.kind === kind).length;
  lines.push(`${count('added')} added, ${count('changed')} changed, ${count('unchanged')} unchanged`);
  return `${lines.join('\n')}\n`;
}

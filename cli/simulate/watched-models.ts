/**
 * Watched models that never occur in the input: their alarms stay quiet whatever the logs hold, so
 * a misspelt id (no version, a region prefix missing) looks like a healthy model. The simulator
 * says so, with the closest model id the input holds or the price table knows.
 */

import type { MetricStore } from '../../shared/analysis/metric-store';
import { DIM_MODEL_ID } from '../../shared/contract/metrics';
import priceData from '../../shared/ingest/price-table.json';
import { closestName } from '../../shared/names';

/** Every model id the replayed records published a metric for, sorted. */
export function modelsInInput(store: MetricStore, namespace: string): string[] {
  const ids = new Set<string>();
  for (const s of store.allSeries()) {
    const id = s.dimensions[DIM_MODEL_ID];
    if (s.namespace === namespace && id) ids.add(id);
  }
  return [...ids].sort();
}

const KNOWN_MODELS: readonly string[] = [...new Set(priceData.prices.map((p) => p.modelId))].sort();

/**
 * The id the user most likely meant: one that contains what was typed (a missing version or
 * region prefix), the shortest first, else the nearest by edit distance; the input's ids before
 * the price table's.
 */
export function suggestModel(
  typed: string,
  seen: readonly string[],
  known = KNOWN_MODELS,
): string | undefined {
  const needle = typed.toLowerCase();
  for (const pool of [seen, known]) {
    const containing = pool.filter((id) => id.toLowerCase().includes(needle) && id !== typed);
    if (containing.length > 0)
      return [...containing].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0];
  }
  return closestName(typed, seen) ?? closestName(typed, known);
}

const listed = (ids: readonly string[]) =>
  ids.length <= 4 ? ids.join(', ') : `${ids.slice(0, 4).join(', ')} and ${ids.length - 4} more`;

/** One warning per watched model the input never mentions. */
export function watchedModelWarnings(watched: readonly string[], seen: readonly string[]): string[] {
  return watched
    .filter((m) => !seen.includes(m))
    .map((m) => {
      const suggestion = suggestModel(m, seen);
      const where = suggestion && seen.includes(suggestion) ? 'in the input' : 'in the price table';
      return `watched model "${m}" never occurs in the input, so its alarms cannot fire here${
        suggestion ? `; closest model id ${where}: "${suggestion}"` : ''
      }${seen.length > 0 ? ` (the input has ${listed(seen)})` : ''}`;
    });
}

/**
 * Exact nearest-rank percentile: the value at rank ⌈p/100·n⌉ of the sorted values, or null when
 * there are none. For display only; alarms use CloudWatch's percentiles over the raw values.
 * @param sorted values in ascending order
 */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export interface PercentileSummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Count, p50, p95 and p99 of raw values (nearest rank), as replay reports them.
 * @example summarisePercentiles([3, 1, 2]) // { count: 3, p50: 2, p95: 3, p99: 3 }
 */
export function summarisePercentiles(values: readonly number[]): PercentileSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
  };
}

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REFERENCE,
  estimateMonthlyBill,
  LIST_PRICES,
  reconciliationUsd,
} from '../scripts/lib/monthly-bill';

const small = { ...DEFAULT_REFERENCE, invocations: 60_000, msPerRecord: 0.02 };

describe('estimateMonthlyBill', () => {
  it('adds its parts up to the total and prices metric-hours at the list price', () => {
    const bill = estimateMonthlyBill(small);

    const sum = Object.values(bill.parts).reduce((a, b) => a + b, 0);
    expect(bill.totalUsd).toBeCloseTo(sum, 1);
    expect(bill.parts.customMetrics).toBeCloseTo(
      (bill.metricHoursPerMonth * LIST_PRICES.customMetricPerMonth) / LIST_PRICES.hoursPerMonth,
      1,
    );
    expect(bill.parts.alarms).toBeCloseTo((41 - 10) * 0.1 + 0.5, 6);
  });

  it('counts the series attribution adds: one set per team and per team × model', () => {
    const withTeams = estimateMonthlyBill(small);
    const without = estimateMonthlyBill({ ...small, attribution: false });

    expect(without.seriesByKind.attribution).toBe(0);
    // 20 teams, 3 models each: up to 6 metrics per team and per team-model pair.
    expect(withTeams.seriesByKind.attribution).toBeGreaterThan(20 * 3 * 4);
    expect(withTeams.seriesByKind.attribution).toBeLessThanOrEqual(20 * 6 + 20 * 3 * 6);
    expect(withTeams.seriesByKind.model).toBe(without.seriesByKind.model);
    expect(withTeams.totalUsd).toBeGreaterThan(without.totalUsd);
  });
});

describe('the reconcile function in the bill', () => {
  it('counts a Cost Explorer request a day at $0.01, its Lambda and its daily metrics', () => {
    const withIt = estimateMonthlyBill(small);
    const without = estimateMonthlyBill({ ...small, reconciliation: false });

    // 30 requests × $0.01 = $0.30; Lambda and three once-a-day metrics add about a cent.
    expect(reconciliationUsd()).toBeGreaterThanOrEqual(0.3);
    expect(reconciliationUsd()).toBeLessThan(0.35);
    expect(withIt.parts.reconciliation).toBeCloseTo(reconciliationUsd(), 2);
    expect(without.parts.reconciliation).toBe(0);
    expect(withIt.totalUsd - without.totalUsd).toBeCloseTo(reconciliationUsd(), 1);
  });
});

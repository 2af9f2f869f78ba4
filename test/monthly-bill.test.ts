import { describe, expect, it } from 'vitest';
import { billLines } from '../dev/lib/bill-lines';
import {
  DEFAULT_REFERENCE,
  estimateMonthlyBill,
  LIST_PRICES,
  reconciliationUsd,
} from '../dev/lib/monthly-bill';

const small = { ...DEFAULT_REFERENCE, invocations: 60_000, msPerRecord: 0.02 };

describe('estimateMonthlyBill', () => {
  it('adds its parts up to the total and prices metric-hours at the list price, beyond the free tier', () => {
    const bill = estimateMonthlyBill(small);

    const sum = Object.values(bill.parts).reduce((a, b) => a + b, 0);
    expect(bill.totalUsd).toBeCloseTo(sum, 1);
    const paidHours = bill.metricHoursPerMonth - LIST_PRICES.freeCustomMetrics * LIST_PRICES.hoursPerMonth;
    expect(bill.parts.customMetrics).toBeCloseTo(
      (paidHours * LIST_PRICES.customMetricPerMonth) / LIST_PRICES.hoursPerMonth,
      1,
    );
    expect(bill.totalWithoutFreeTierUsd).toBeGreaterThan(bill.totalUsd);
  });

  it('counts the alarms the stack builds, anomaly bands at three metrics, composites apart', () => {
    const bill = estimateMonthlyBill(small);

    // All models: latency 2 × 2 (p95, count of calls slower than the threshold), service error
    // rate 2 × 4 (timeouts, model and server errors, calls), client error rate 1 × 3 (validation,
    // access denied, calls; warning only), throttle rate 2 × 2, three anomaly alarms × 3,
    // truncation and guardrail rate 2 × 2, pipeline 7 alarms with 9 metrics, bill drift 1, the
    // scheduled functions' errors and not-running alarms 2 × 2 (month-to-date, reconcile; the
    // top-contributor alarms are opt-in, off by default).
    expect(bill.alarmMetrics).toBe(4 + 8 + 3 + 4 + 9 + 4 + 9 + 1 + 4);
    expect(bill.compositeAlarms).toBe(1);
    expect(bill.parts.alarms).toBeCloseTo((bill.alarmMetrics - 10) * 0.1 + 0.5, 6);
  });

  it('keeps attribution off the metric series: its cost is rules and log lines, flat from 20 to 200 teams', () => {
    const at = (teams: number, attribution = true) => estimateMonthlyBill({ ...small, teams, attribution });
    const part = (teams: number) => at(teams).totalUsd - at(teams, false).totalUsd;

    const with20 = at(20);

    expect(with20.seriesByKind.attribution).toBe(0);
    expect(with20.insightRules).toBe(8);
    expect(with20.insightMatchedEventsPerMonth).toBeGreaterThan(0);
    expect(with20.distinctSeries).toBe(at(20, false).distinctSeries);
    expect(part(20)).toBeGreaterThan(0);
    expect(part(200)).toBeLessThan(part(20) * 1.2);
  });

  it('bounds the per-team series to the teams a budget names', () => {
    const three = estimateMonthlyBill({ ...small, budgetedTeams: 3 });

    expect(three.seriesByKind.attribution).toBe(3);
    // Month to date and its projection (no provisioned part in the reference), and 2 per budget.
    expect(three.seriesByKind.hourly).toBe(2 + 2 * 3);
  });

  it('with the essential set, publishes a fraction of the series and fewer rules, with the same alarms', () => {
    const complete = estimateMonthlyBill(small);
    const essential = estimateMonthlyBill({ ...small, metricSet: 'essential' });

    expect(essential.seriesByKind.model).toBeLessThan(complete.seriesByKind.model / 3);
    expect(essential.insightRules).toBe(4);
    expect(essential.alarmMetrics).toBe(complete.alarmMetrics);
    expect(essential.totalUsd).toBeLessThan(complete.totalUsd);
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

describe("bench's bill lines", () => {
  it('print one total per metric set and attribution as a part of it, not as a second total', () => {
    const bill = estimateMonthlyBill(small);
    // A 200-team month costs more in parts attribution does not touch; its total must not show.
    const lines = billLines(
      'complete (default)',
      { ...bill, attributionUsd: { teams20: 3.91, teams200: 3.92 } },
      '<= $40',
    );

    expect(lines.split('\n')[0]).toBe(
      `  complete (default): $${bill.totalUsd} (target <= $40; $${bill.totalWithoutFreeTierUsd} without the free tier)`,
    );
    expect(lines).not.toMatch(/total/i);
    expect(lines).toContain('of which attribution: $3.91 (20 teams); with 200 teams its part is $3.92');
    expect(lines.match(new RegExp(`\\$${bill.totalUsd}\\b`, 'g'))).toHaveLength(1);
  });
});

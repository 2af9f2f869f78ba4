/** Whether a caller's traffic looks automated: a role, enough calls, and nightly or flat traffic. */
import { activeHours, HOUR_MS, nightlyShare } from '../common';
import type { CallFact } from '../types';

/** Fewer calls than this in the window are not a workload worth moving. */
export const MIN_AUTOMATED_CALLS = 50;
/** At least this share of calls between 00:00 and 06:00 UTC is nightly traffic. */
export const NIGHTLY_SHARE = 0.5;
/** Calls in at least this share of the clock hours a caller spans (over 6 hours or more) is flat traffic. */
export const FLAT_HOURS_SHARE = 0.75;

export interface AutomationSigns {
  automated: boolean;
  nightlyShare: number;
  activeHours: number;
  spannedHours: number;
}

export function automationOf(calls: readonly CallFact[]): AutomationSigns {
  const first = calls[0]?.invocation.timeMs ?? 0;
  const last = calls[calls.length - 1]?.invocation.timeMs ?? 0;
  const spannedHours = Math.floor(last / HOUR_MS) - Math.floor(first / HOUR_MS) + 1;
  const active = activeHours(calls);
  const nightly = nightlyShare(calls);
  const flat = spannedHours >= 6 && active >= FLAT_HOURS_SHARE * spannedHours;
  const role = calls.length > 0 && calls.every((c) => c.callerIsRole);
  return {
    automated: role && calls.length >= MIN_AUTOMATED_CALLS && (nightly >= NIGHTLY_SHARE || flat),
    nightlyShare: +nightly.toFixed(3),
    activeHours: active,
    spannedHours,
  };
}

/** What every check shares: the month, money in text, scopes, groups and pricing a call another way. */
import type { Invocation } from '../ingest/2-parse';
import { applyPriceRule, type ModelPrice, type PriceRule } from '../ingest/5-price';
import type { CallFact, CheckName, Finding, GroupBy, Scope, UsageFacts } from './types';

/** A month, for every `monthlyUsd`: 30 days. */
export const MONTH_MS = 30 * 24 * 3_600_000;
const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** The window's length, at least a minute (a single call still has a window). */
export function spanMs(window: UsageFacts['window']): number {
  return Math.max(MINUTE_MS, window.endMs - window.startMs);
}

/** A window's dollars as a 30-day month's: window × 30 days / window length. */
export function monthlyOf(windowUsd: number, window: UsageFacts['window']): number {
  return (windowUsd * MONTH_MS) / spanMs(window);
}

/** Six decimals: JSON without float noise, still exact to the cent and well below. */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Dollars in text: cents, or four decimals below a dollar so small figures stay visible. */
export function usd(x: number): string {
  return Math.abs(x) >= 1 || x === 0 ? `$${x.toFixed(2)}` : `$${x.toFixed(4)}`;
}

/** A rate per 1,000 tokens as the price pages show it: per million. */
export const perMillion = (per1k: number): string => `$${+(per1k * 1000).toFixed(4)}/M`;

/** The scope of a call: its model and region, and the `--by` value when asked (plus `extra`). */
export function scopeOf(call: CallFact, by: GroupBy | undefined, withCaller = false): Scope {
  const scope: Scope = { model: call.model, region: call.invocation.region };
  if (withCaller || by === 'caller') scope.caller = call.caller ?? 'unknown';
  if (by === 'team') scope.team = call.team ?? 'unattributed';
  if (by === 'account') scope.account = call.account ?? 'unknown';
  return scope;
}

export const scopeKey = (scope: Scope): string =>
  JSON.stringify([scope.model, scope.region, scope.caller, scope.team, scope.account]);

/** Groups items by a key, keeping first-seen order. */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K | undefined): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** Calls grouped by their scope (and caller, when the check works per caller). */
export function byScope(
  calls: Iterable<CallFact>,
  by: GroupBy | undefined,
  withCaller = false,
): { scope: Scope; calls: CallFact[] }[] {
  const groups = groupBy(calls, (c) => scopeKey(scopeOf(c, by, withCaller)));
  return [...groups.values()].map((group) => ({
    scope: scopeOf(group[0] as CallFact, by, withCaller),
    calls: group,
  }));
}

/** What one call would cost at another price entry and routing multiplier; undefined when unpriced. */
export function costAt(price: ModelPrice, multiplier: number, invocation: Invocation): number | undefined {
  const rule: PriceRule = { kind: 'rate', price, multiplier };
  const result = applyPriceRule(rule, invocation);
  return result.kind === 'priced' ? result.usd : undefined;
}

/** The price entry and multiplier a call billed at, when it had one. */
export function rateOf(call: CallFact): { price: ModelPrice; multiplier: number } | undefined {
  return call.rule.kind === 'rate' ? { price: call.rule.price, multiplier: call.rule.multiplier } : undefined;
}

/** The oldest `asOf` (or effective date) of the entries a figure used. */
export function asOfOf(
  prices: Iterable<ModelPrice | undefined>,
  fallback: string | null = null,
): string | null {
  let oldest: string | undefined;
  for (const price of prices) {
    const day = price?.asOf ?? price?.effectiveDate;
    if (day !== undefined && (oldest === undefined || day < oldest)) oldest = day;
  }
  return oldest ?? fallback;
}

/** Sums a number over items. */
export function sum<T>(items: Iterable<T>, of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}

export interface FindingInput {
  check: CheckName;
  basis: Finding['basis'];
  scope: Scope;
  calls: number;
  windowUsd: number;
  formula: string;
  evidence: Finding['evidence'];
  caveat: string;
  pricesAsOf: string | null;
  flag?: string;
}

/** A finding with its month extrapolated from the window (and said so in the formula). */
export function finding(input: FindingInput, usage: UsageFacts): Finding {
  const monthly = monthlyOf(input.windowUsd, usage.window);
  const days = spanMs(usage.window) / (24 * HOUR_MS);
  return {
    check: input.check,
    scope: input.scope,
    basis: input.basis,
    monthlyUsd: round6(monthly),
    windowUsd: round6(input.windowUsd),
    calls: input.calls,
    formula: `${input.formula}; per month ${usd(input.windowUsd)} × 30 / ${+days.toFixed(3)} days = ${usd(monthly)}`,
    evidence: input.evidence,
    caveat: input.caveat,
    pricesAsOf: input.pricesAsOf,
    ...(input.flag ? { flag: input.flag } : {}),
  };
}

/** Hours of the window (UTC clock hours it touches). */
export function hoursOf(window: UsageFacts['window']): number {
  return Math.floor(window.endMs / HOUR_MS) - Math.floor(window.startMs / HOUR_MS) + 1;
}

/** The share of calls made between 00:00 and 06:00 UTC. */
export function nightlyShare(calls: readonly CallFact[]): number {
  if (calls.length === 0) return 0;
  let night = 0;
  for (const c of calls) if (new Date(c.invocation.timeMs).getUTCHours() < 6) night++;
  return night / calls.length;
}

/** Distinct clock hours with at least one call. */
export function activeHours(calls: readonly CallFact[]): number {
  return new Set(calls.map((c) => Math.floor(c.invocation.timeMs / HOUR_MS))).size;
}

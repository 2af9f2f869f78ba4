/**
 * The savings advisor's vocabulary: the usage facts it reads (one entry per successful call, no
 * prompt or response text), what a check returns, and the options a user can change.
 */

import type { Invocation } from '../ingest/2-parse';
import type { Routing } from '../ingest/4-resolve-model';
import type { PriceRule, PriceTable } from '../ingest/5-price';
import type { AdviceFacts } from '../pricing/advice-facts';

export type CheckName =
  | 'global-profile'
  | 'legacy-model'
  | 'long-context'
  | 'prompt-caching'
  | 'batch'
  | 'service-tier'
  | 'cheaper-sibling'
  | 'provisioned-throughput'
  | 'truncation-retries'
  | 'usage-pattern';

/**
 * How far a figure can be trusted: `exact` (a price rule applied to logged tokens), `upper-bound`
 * (the most that could be saved), `scenario` (rests on an assumption the user can change, with the
 * flag that changes it), `descriptive` (evidence, no saving).
 */
export type Basis = 'exact' | 'upper-bound' | 'scenario' | 'descriptive';

/** What the report groups by besides the model (`--by`). */
export type GroupBy = 'team' | 'caller' | 'account';

/** Who and what a finding is about. */
export interface Scope {
  /** The base model id (or the id as logged when it does not resolve to one). */
  model: string;
  region?: string;
  caller?: string;
  team?: string;
  account?: string;
}

/** One quantified way to spend less (or, for `usage-pattern`, one observation). */
export interface Finding {
  check: CheckName;
  scope: Scope;
  basis: Basis;
  /** USD per 30-day month, extrapolated from the window; null for `descriptive`. */
  monthlyUsd: number | null;
  /** USD in the window the inputs cover; null for `descriptive`. */
  windowUsd: number | null;
  /** The calls the figure rests on. */
  calls: number;
  /** The rule with the numbers filled in. */
  formula: string;
  evidence: Record<string, string | number>;
  caveat: string;
  /** The oldest `asOf` of the prices used (or of the facts, for checks without a price). */
  pricesAsOf: string | null;
  /** The flag that changes a `scenario`'s assumption. */
  flag?: string;
}

/** A check that could not say how much, and why (a missing price or setting), never a guess. */
export interface Gap {
  check: CheckName;
  scope: Scope;
  calls: number;
  reason: string;
}

/** One successful call as the advisor reads it. */
export interface CallFact {
  invocation: Invocation;
  /** How its model id and region price (application profiles resolved when the map knows them). */
  rule: PriceRule;
  /** What the call cost, when it could be priced. */
  usd?: number;
  /** The base model id it bills as, or the id as logged when it does not resolve. */
  model: string;
  /** How it was routed (in-region, geo or global profile), when the id resolves to a model. */
  routing?: Routing;
  caller?: string;
  /** The caller's ARN is an assumed role (a workload), not a user or federated person. */
  callerIsRole: boolean;
  account?: string;
  team?: string;
  streaming: boolean;
}

export interface UsageFacts {
  /** The window the inputs cover (the --since/--until given, else the first and last call). */
  window: { startMs: number; endMs: number };
  calls: readonly CallFact[];
  /** Configured provisioned models (`provisionedModels`), by model id or ARN as logged. */
  provisionedModels: Readonly<Record<string, { hourlyUsd: number }>>;
}

export interface AdviceOptions {
  by?: GroupBy;
  /** `--cache-hit-share`: the share of a call's input a cache would serve (prompt-caching scenario). */
  cacheHitShare: number;
  /** `--sibling-share`: the share of a model's calls that would move to its sibling. */
  siblingShare: number;
  /** `--pt-tokens-per-minute`: tokens per minute one model unit serves (AWS does not publish it). */
  ptTokensPerMinute?: number;
  /** `--pt-hourly-usd`: the price of one model unit per hour for the models looked at. */
  ptHourlyUsd?: number;
  /** The clock, for how near an end of life is. */
  nowMs: number;
}

export interface AdviceContext {
  priceTable: PriceTable;
  facts: AdviceFacts;
  options: AdviceOptions;
}

export interface CheckResult {
  findings: Finding[];
  gaps: Gap[];
}

export interface Check {
  basis: Basis;
  /** One line for the report and the docs. */
  summary: string;
  run(usage: UsageFacts, context: AdviceContext): CheckResult;
}

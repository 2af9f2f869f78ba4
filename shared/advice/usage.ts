/**
 * Usage facts from parsed invocations (shared/ingest's parse stage does the reading): each
 * successful call with its price rule, what it cost, and who made it. Failed calls bill nothing and
 * save nothing, so they are left out. Holds no prompt or response text.
 */
import type { Invocation } from '../ingest/2-parse';
import { NO_PROFILES, type Routing, resolveWithProfiles } from '../ingest/4-resolve-model';
import { applyPriceRule, billedModelIdOf, type PriceTable, priceRuleFor } from '../ingest/5-price';
import { callerFromArn } from '../ingest/6-attribute';
import type { CallFact, UsageFacts } from './types';

const STREAMING = new Set(['ConverseStream', 'InvokeModelWithResponseStream']);
const ARN_ACCOUNT = /^arn:aws[a-z-]*:(?:sts|iam)::(\d{12}):/;

export interface UsageOptions {
  priceTable: PriceTable;
  inferenceProfiles?: ReadonlyMap<string, string>;
  /** The requestMetadata key that names the team (`--by team`). */
  teamKey?: string;
}

/** The advisor's view of one call, or undefined for a failed one. */
export function callFactOf(invocation: Invocation, options: UsageOptions): CallFact | undefined {
  if (invocation.errorCode !== undefined) return undefined;
  const profiles = options.inferenceProfiles ?? NO_PROFILES;
  const billedAs = billedModelIdOf(invocation);
  const rule = priceRuleFor(billedAs, invocation.region, options.priceTable, profiles);
  const price = applyPriceRule(rule, invocation);
  const resolved = resolveWithProfiles(billedAs, profiles);
  const arn = invocation.callerArn;
  const caller = callerFromArn(arn);
  const account = arn ? ARN_ACCOUNT.exec(arn)?.[1] : undefined;
  const team = invocation.requestMetadata[options.teamKey ?? 'team'];
  const fact: CallFact = {
    invocation,
    rule,
    model: resolved.kind === 'foundation' ? resolved.baseModelId : billedAs,
    callerIsRole: arn !== undefined && /:(assumed-role|role)\//.test(arn),
    streaming: STREAMING.has(invocation.operation),
  };
  if (price.kind === 'priced') fact.usd = price.usd;
  if (resolved.kind === 'foundation') fact.routing = resolved.routing;
  if (caller !== undefined) fact.caller = caller;
  if (account !== undefined) fact.account = account;
  if (team !== undefined) fact.team = team;
  return fact;
}

/** Collects call facts batch by batch; `facts()` gives the window they cover. */
export class UsageCollector {
  private readonly calls: CallFact[] = [];
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;
  /** Failed calls seen (left out of the facts). */
  failed = 0;

  constructor(private readonly options: UsageOptions) {}

  add(invocations: Iterable<Invocation>): void {
    for (const invocation of invocations) {
      const fact = callFactOf(invocation, this.options);
      if (!fact) {
        this.failed++;
        continue;
      }
      this.calls.push(fact);
      this.firstMs = Math.min(this.firstMs, invocation.timeMs);
      this.lastMs = Math.max(this.lastMs, invocation.timeMs);
    }
  }

  /** The facts, over --since/--until when given, else from the first call to the last. */
  facts(
    provisionedModels: UsageFacts['provisionedModels'],
    bounds: { sinceMs?: number; untilMs?: number } = {},
  ): UsageFacts {
    const empty = this.calls.length === 0;
    const startMs = bounds.sinceMs ?? (empty ? 0 : this.firstMs);
    const endMs = bounds.untilMs ?? (empty ? startMs : this.lastMs);
    const calls = [...this.calls].sort((a, b) => a.invocation.timeMs - b.invocation.timeMs);
    return { window: { startMs, endMs }, calls, provisionedModels };
  }
}

export type { Routing };

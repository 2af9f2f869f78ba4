/**
 * `replay --by DIM[,DIM…]`: the accepted calls grouped by what each record says (model, account,
 * region, operation, caller, day, hour or a requestMetadata key), counted from the invocations the
 * handler priced, so every group's figures add up to the report's totals. The metrics the function
 * prints carry no account or region; this is replay's own view of the records, not of the EMF.
 */
import { type PercentileSummary, summarisePercentiles } from '../../shared/analysis/percentile';
import { roundUsd } from '../../shared/contract/metrics';
import type { Invocation } from '../../shared/ingest/2-parse';
import type { PriceResult } from '../../shared/ingest/5-price';
import { callerFromArn, sanitiseValue, UNATTRIBUTED } from '../../shared/ingest/6-attribute';
import { tupleKey } from '../../shared/keys';

/** The record fields `--by` reads; any other name is a requestMetadata (attribution) key. */
export const BY_FIELDS = ['model', 'account', 'region', 'operation', 'caller', 'day', 'hour'] as const;
export type ByField = (typeof BY_FIELDS)[number];

/** A record without a (12-digit) `accountId`. */
export const UNKNOWN_ACCOUNT = 'unknown';

/** What a name that reads like a record field but is not one should be, for the error message. */
const ALIASES: Readonly<Record<string, ByField>> = {
  accountId: 'account',
  modelId: 'model',
  date: 'day',
};

/** One `--by` value: the dimensions grouped together, e.g. `['account', 'region']`. */
export type ByGrouping = readonly string[];

/** One group of a grouping, as `--json` prints it under `by.<dims>`. */
export interface ByGroup {
  /** The group's values joined by ` / ` (for a table or a CSV cell; `values` names them). */
  value: string;
  values: Record<string, string>;
  invocations: number;
  /** What the error-rate alarm counts: server errors, timeouts and model errors. */
  errors: number;
  throttles: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of the calls that could be priced, each at its own region's price; null when none could. */
  costUsd: number | null;
  latencyMs: PercentileSummary;
  /** Validation and access errors: the client-error-rate warning's, not in `errors`. */
  clientErrors: number;
  unpricedInvocations: number;
}

/**
 * Parses the `--by` flags: each is one grouping of comma-separated dimensions.
 * @returns the groupings, or what is wrong with a flag
 * @example parseBy(['account,region', 'model']) // [['account', 'region'], ['model']]
 */
export function parseBy(flags: readonly string[]): ByGrouping[] | string {
  const groupings: ByGrouping[] = [];
  for (const flag of flags) {
    const dims = flag.split(',').map((d) => d.trim());
    if (dims.some((d) => d === '')) return `--by "${flag}": an empty dimension name`;
    const alias = dims.find((d) => Object.hasOwn(ALIASES, d));
    if (alias !== undefined) return `--by ${alias}: the record's field is called ${ALIASES[alias]} here`;
    if (new Set(dims).size !== dims.length) return `--by "${flag}": a dimension named twice`;
    if (!groupings.some((g) => g.join(',') === dims.join(','))) groupings.push(dims);
  }
  return groupings;
}

/** `app-role (111111111111)`: a role name means a different caller in another account. */
function callerOf(invocation: Invocation): string {
  const name = callerFromArn(invocation.callerArn);
  if (name === undefined) return UNATTRIBUTED;
  const account = /^arn:aws[a-z-]*:(?:sts|iam)::(\d{12}):/.exec(invocation.callerArn ?? '')?.[1];
  return `${sanitiseValue(name)} (${account ?? invocation.accountId ?? UNKNOWN_ACCOUNT})`;
}

/** One dimension's value for a call; `modelIdOf` folds ids beyond maxModelIds as the models table does. */
function dimensionValue(dim: string, invocation: Invocation, modelIdOf: (id: string) => string): string {
  switch (dim as ByField) {
    case 'model':
      return modelIdOf(invocation.modelId);
    case 'account':
      return invocation.accountId ?? UNKNOWN_ACCOUNT;
    case 'region':
      return invocation.region;
    case 'operation':
      return invocation.operation;
    case 'caller':
      return callerOf(invocation);
    case 'day':
      return new Date(invocation.timeMs).toISOString().slice(0, 10);
    case 'hour':
      return `${new Date(invocation.timeMs).toISOString().slice(0, 13)}:00Z`;
    default: {
      const raw = Object.hasOwn(invocation.requestMetadata, dim)
        ? invocation.requestMetadata[dim]
        : undefined;
      return raw === undefined ? UNATTRIBUTED : sanitiseValue(raw);
    }
  }
}

interface Figures {
  values: string[];
  invocations: number;
  errors: number;
  clientErrors: number;
  throttles: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  priced: number;
  unpriced: number;
  latency: number[];
}

const emptyFigures = (values: string[]): Figures => ({
  values,
  invocations: 0,
  errors: 0,
  clientErrors: 0,
  throttles: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  priced: 0,
  unpriced: 0,
  latency: [],
});

/** Adds one call to its group's figures, counting errors as the rate alarms do (contract/error-classes). */
function add(f: Figures, invocation: Invocation, price: PriceResult, groupOf: ErrorGroupOf): void {
  f.invocations++;
  if (invocation.errorClass !== undefined) {
    const group = groupOf(invocation.errorClass);
    if (group === 'server') f.errors++;
    else if (group === 'client') f.clientErrors++;
    else f.throttles++;
  }
  f.inputTokens += invocation.inputTokens ?? 0;
  f.outputTokens += invocation.outputTokens ?? 0;
  if (invocation.latencyMs !== undefined) f.latency.push(invocation.latencyMs);
  if (price.kind === 'priced') {
    f.costUsd += price.usd;
    f.priced++;
  } else if (price.kind === 'unpriced') f.unpriced++;
}

type ErrorGroupOf = (errorClass: NonNullable<Invocation['errorClass']>) => 'server' | 'client' | 'throttle';

/** The report's cost precision (as the models' costUsd). */
const REPORT_DECIMALS = 9;

function toGroup(dims: ByGrouping, f: Figures): ByGroup {
  return {
    value: f.values.join(' / '),
    values: Object.fromEntries(dims.map((d, i) => [d, f.values[i] ?? ''])),
    invocations: f.invocations,
    errors: f.errors,
    throttles: f.throttles,
    inputTokens: f.inputTokens,
    outputTokens: f.outputTokens,
    // Unknown, not free: calls were made and not one of them could be priced.
    costUsd: f.priced === 0 && f.unpriced > 0 ? null : roundUsd(f.costUsd, REPORT_DECIMALS),
    latencyMs: summarisePercentiles(f.latency),
    clientErrors: f.clientErrors,
    unpricedInvocations: f.unpriced,
  };
}

/** Element-wise comparison of the groups' values: days and hours come out in time order. */
function compareValues(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Groups the accepted calls of every batch by each grouping. Holds one latency value per call with
 * latency per grouping (the exact percentiles need them), nothing else per call.
 */
export class ByAccumulator {
  private readonly groups: Map<string, Figures>[];

  constructor(
    readonly groupings: readonly ByGrouping[],
    private readonly groupOf: ErrorGroupOf,
    private readonly modelIdOf: (id: string) => string,
  ) {
    this.groups = groupings.map(() => new Map());
  }

  /** One batch's accepted calls with their prices (BatchResult.priced). */
  addBatch(priced: ReadonlyMap<Invocation, PriceResult>): void {
    this.groupings.forEach((dims, i) => {
      const groups = this.groups[i] as Map<string, Figures>;
      for (const [invocation, price] of priced) {
        const values = dims.map((d) => dimensionValue(d, invocation, this.modelIdOf));
        const key = tupleKey(...values);
        let f = groups.get(key);
        if (!f) {
          f = emptyFigures(values);
          groups.set(key, f);
        }
        add(f, invocation, price, this.groupOf);
      }
    });
  }

  /** `by` of the `--json` document: one list per grouping, keyed by its dimensions joined by commas. */
  summary(): Record<string, ByGroup[]> {
    const by: Record<string, ByGroup[]> = {};
    this.groupings.forEach((dims, i) => {
      const groups = [...(this.groups[i] as Map<string, Figures>).values()];
      groups.sort((a, b) => compareValues(a.values, b.values));
      by[dims.join(',')] = groups.map((f) => toGroup(dims, f));
    });
    return by;
  }
}

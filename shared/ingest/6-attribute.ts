/**
 * Attribution: which team, tenant, caller, account or region an invocation belongs to, with bounded
 * cardinality.
 * Values become CloudWatch dimension values, so they are sanitised and capped here, once; the
 * ModelId dimension is capped here too.
 */
import type { Invocation } from './2-parse';

/** The attribution key that reads the caller from `identity.arn` instead of requestMetadata. */
export const CALLER_KEY = 'caller';
/** The attribution keys that read the record's `accountId` and `region` instead of requestMetadata. */
export const ACCOUNT_KEY = 'account';
export const REGION_KEY = 'region';
/**
 * The keys read from the record itself, with their dimension (log field) names. A requestMetadata
 * key of the same name is never read: the record's own field is the truth for these.
 */
/** The dimension of the per-account series (watchedAccounts, accountBudgets) and the account key's field. */
export const DIM_ACCOUNT = 'Account';
export const BUILT_IN_KEYS: Readonly<Record<string, string>> = {
  [CALLER_KEY]: 'Caller',
  [ACCOUNT_KEY]: DIM_ACCOUNT,
  [REGION_KEY]: 'Region',
};
/** Names people write for a built-in key (the record's field names) → the key to write instead. */
export const BUILT_IN_ALIASES: Readonly<Record<string, string>> = {
  accountId: ACCOUNT_KEY,
  Account: ACCOUNT_KEY,
  Region: REGION_KEY,
  awsRegion: REGION_KEY,
};
/**
 * Account and region: values the organization's own structure bounds (its accounts, AWS's
 * regions), ranked from the lines only, so they are kept apart up to this many each, whatever
 * `maxValues` says for callers and metadata keys (an organization monitor folding its 26th account
 * into `Other` would hide it).
 */
export const BUILT_IN_MAX_VALUES: Readonly<Record<string, number>> = {
  [ACCOUNT_KEY]: 1000,
  [REGION_KEY]: 1000,
};
/**
 * The dimensions whose attribution lines are per value and minute, not per value, model and minute:
 * an organization's accounts and regions are ranked by what they spend in all, and a line per model
 * as well would grow the lines (and the bill) with the number of accounts.
 */
export const MODEL_FREE_DIMENSIONS: ReadonlySet<string> = new Set([DIM_ACCOUNT, 'Region']);
export const UNATTRIBUTED = 'Unattributed';
export const OTHER = 'Other';
const MAX_VALUE_LENGTH = 64;

export interface AttributionConfig {
  /** Built-in keys (`caller`, `account`, `region`) and/or requestMetadata keys, in order. */
  keys: string[];
  /** Distinct values per key (beyond the allow-list) one function instance reports before `Other`. */
  maxValues: number;
  /** Per key: the only values reported; everything else is `Other`. */
  allow: Record<string, string[]>;
}

export const NO_ATTRIBUTION: AttributionConfig = { keys: [], maxValues: 25, allow: {} };

/** The CloudWatch dimension name of an attribution key: `Caller`, `Account`, `Region`, or the metadata key itself. */
export function dimensionNameOf(key: string): string {
  return Object.hasOwn(BUILT_IN_KEYS, key) ? (BUILT_IN_KEYS[key] as string) : key;
}

/** The 12-digit account of an IAM/STS (or any) ARN. */
export function accountOfArn(arn: string | undefined): string | undefined {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn ?? '')?.[1];
}

/** Room left for the name in a caller value that carries its account: ` (` + 12 digits + `)`. */
const MAX_NAME_WITH_ACCOUNT = MAX_VALUE_LENGTH - 15;

/**
 * The caller's stable name from an IAM/STS ARN: the role name without the session part, the user
 * name without its path, `root`, or the federated user's name.
 * @example callerFromArn('arn:aws:sts::123456789012:assumed-role/app-role/i-0abc') // 'app-role'
 */
export function callerFromArn(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const match = /^arn:aws[a-z-]*:(?:sts|iam)::\d{12}:(.+)$/.exec(arn);
  const resource = match?.[1];
  if (!resource) return undefined;
  if (resource === 'root') return 'root';
  const [type, ...rest] = resource.split('/');
  if (type === 'assumed-role') return rest[0];
  if (type === 'user' || type === 'role' || type === 'federated-user') return rest[rest.length - 1];
  return undefined;
}

/**
 * Makes a value safe as a dimension value: printable ASCII only (others become `_`), white space
 * folded, at most 64 characters. An empty result is `Unattributed`.
 */
export function sanitiseValue(raw: string): string {
  const cleaned = raw
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '_')
    .trim()
    .slice(0, MAX_VALUE_LENGTH)
    .trim();
  return cleaned === '' ? UNATTRIBUTED : cleaned;
}

/**
 * Decides the reported value of every configured key for an invocation. Holds the distinct values
 * seen so far, so one function instance never reports more than `maxValues` per key (plus `Other`
 * and `Unattributed`); create one per handler and keep it across invocations.
 */
export class AttributionResolver {
  private readonly seen = new Map<string, Set<string>>();
  private readonly allow: Map<string, Set<string>>;

  /**
   * The account whose callers are named by their role or user name alone; a caller of any other
   * account carries it (`app-role (111122223333)`), so the same role name in two accounts stays two
   * callers. The function sets its own account (from its ARN); left unset, the first caller's
   * account is adopted (the local tools: the input's first record), so single-account input reads
   * exactly as before.
   */
  constructor(
    readonly config: AttributionConfig,
    private homeAccount?: string,
  ) {
    this.allow = new Map(Object.entries(config.allow).map(([k, v]) => [k, new Set(v.map(sanitiseValue))]));
  }

  private caller(invocation: Invocation): string | undefined {
    const name = callerFromArn(invocation.callerArn);
    if (name === undefined) return undefined;
    const account = accountOfArn(invocation.callerArn) ?? invocation.accountId;
    this.homeAccount ??= account;
    if (account === undefined || account === this.homeAccount) return name;
    return `${sanitiseValue(name).slice(0, MAX_NAME_WITH_ACCOUNT).trim()} (${account})`;
  }

  private raw(key: string, invocation: Invocation): string | undefined {
    if (key === CALLER_KEY) return this.caller(invocation);
    if (key === ACCOUNT_KEY) return invocation.accountId;
    if (key === REGION_KEY) return invocation.region;
    return Object.hasOwn(invocation.requestMetadata, key) ? invocation.requestMetadata[key] : undefined;
  }

  valueOf(key: string, invocation: Invocation): string {
    const raw = this.raw(key, invocation);
    if (raw === undefined) return UNATTRIBUTED;
    const value = sanitiseValue(raw);
    if (value === UNATTRIBUTED) return value;
    const allowed = this.allow.get(key);
    if (allowed) return allowed.has(value) ? value : OTHER;
    let seen = this.seen.get(key);
    if (!seen) {
      seen = new Set();
      this.seen.set(key, seen);
    }
    if (seen.has(value)) return value;
    if (seen.size >= (BUILT_IN_MAX_VALUES[key] ?? this.config.maxValues)) return OTHER;
    seen.add(value);
    return value;
  }

  /** Every configured key's value for the invocation, in key order. */
  resolve(invocation: Invocation): Record<string, string> {
    const values: Record<string, string> = {};
    for (const key of this.config.keys) values[key] = this.valueOf(key, invocation);
    return values;
  }
}

/** Distinct model ids one function instance reports before folding new ones into `Other`. */
export const DEFAULT_MAX_MODEL_IDS = 50;
/** How many folded ids are remembered by name; beyond it they are only counted. */
const MAX_REMEMBERED_FOLDED_IDS = 1000;

/**
 * Bounds the ModelId dimension as attribution values are bounded: every new model id is about 13
 * billed metric series, and ids are whatever callers pass (ARNs, profiles, typos). The first
 * `maxIds` ids one function instance sees are reported as they are, later ones as `Other`. Pricing
 * still uses each call's own id; only the dimension value is folded. Create one per handler and keep
 * it across invocations.
 */
export class ModelIdLimiter {
  private readonly seen = new Set<string>();
  private readonly folded = new Set<string>();
  /** Distinct ids folded into `Other` so far. */
  foldedCount = 0;

  constructor(readonly maxIds: number) {}

  /** The ModelId dimension value for a call to `modelId`. */
  reported(modelId: string): string {
    if (this.seen.has(modelId)) return modelId;
    if (this.seen.size < this.maxIds) {
      this.seen.add(modelId);
      return modelId;
    }
    if (!this.folded.has(modelId)) {
      this.foldedCount++;
      if (this.folded.size < MAX_REMEMBERED_FOLDED_IDS) this.folded.add(modelId);
    }
    return OTHER;
  }

  /** Whether `modelId` has been folded (for the ids remembered by name). */
  isFolded(modelId: string): boolean {
    return this.folded.has(modelId);
  }

  /** The folded ids remembered by name (the first 1,000), in the order they were first folded. */
  foldedIds(): string[] {
    return [...this.folded];
  }
}

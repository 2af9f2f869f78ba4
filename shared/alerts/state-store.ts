/**
 * The escalation state store's contract: a small key-value store with conditional writes and
 * expiring entries (DynamoDB with TTL in production, MemoryStateStore in tests). Conditional
 * writes are what make a step exactly-once under retries and concurrent runs; expiry is what keeps
 * the store bounded.
 */

export interface StoredItem<T> {
  value: T;
  /** Opaque; changes on every write, for compare-and-set. */
  version: string;
  expiresAtMs: number;
}

export interface StateStore<T> {
  /** The live item (an expired one reads as absent). */
  get(key: string): Promise<StoredItem<T> | undefined>;
  /** Writes only when the key is absent or expired; the new version, or undefined when it exists. */
  create(key: string, value: T, expiresAtMs: number): Promise<string | undefined>;
  /** Writes only when the stored version is still `version`; the new version, or undefined. */
  update(key: string, value: T, expiresAtMs: number, version: string): Promise<string | undefined>;
  /** Every live item whose key starts with `prefix`. */
  scan(prefix: string): Promise<(StoredItem<T> & { key: string })[]>;
}

/** An in-memory store with the same conditions, on an injected clock; for tests and local runs. */
export class MemoryStateStore<T> implements StateStore<T> {
  private readonly items = new Map<string, StoredItem<T>>();
  private counter = 0;
  /** Every successful write, for tests that count them. */
  writes = 0;

  constructor(private readonly now: () => number) {}

  private live(key: string): StoredItem<T> | undefined {
    const item = this.items.get(key);
    return item && item.expiresAtMs > this.now() ? item : undefined;
  }

  private write(key: string, value: T, expiresAtMs: number): string {
    const version = `v${++this.counter}`;
    // A copy, as a database would keep: callers mutating their object must not change the store.
    this.items.set(key, { value: structuredClone(value), version, expiresAtMs });
    this.writes++;
    return version;
  }

  get(key: string): Promise<StoredItem<T> | undefined> {
    const item = this.live(key);
    return Promise.resolve(item ? { ...item, value: structuredClone(item.value) } : undefined);
  }

  create(key: string, value: T, expiresAtMs: number): Promise<string | undefined> {
    return Promise.resolve(this.live(key) ? undefined : this.write(key, value, expiresAtMs));
  }

  update(key: string, value: T, expiresAtMs: number, version: string): Promise<string | undefined> {
    return Promise.resolve(
      this.live(key)?.version === version ? this.write(key, value, expiresAtMs) : undefined,
    );
  }

  scan(prefix: string): Promise<(StoredItem<T> & { key: string })[]> {
    return Promise.resolve(
      [...this.items.keys()]
        .filter((k) => k.startsWith(prefix))
        .flatMap((key) => {
          const item = this.live(key);
          return item ? [{ key, ...item, value: structuredClone(item.value) }] : [];
        }),
    );
  }

  /** How many items are held, expired ones included (what a table would hold before TTL sweeps). */
  size(): number {
    return this.items.size;
  }
}

/** What the notifier is given (handler.ts wires the real ones, tests their own): nothing is reached for. */
import type { ContributorQuery } from '../../shared/alerts/contributors';
import type { HttpSender } from '../../shared/alerts/delivery';
import type { UrlPolicy } from '../../shared/alerts/destinations/index';
import type { Episode } from '../../shared/alerts/escalation';
import type { NotifierConfig } from '../../shared/alerts/notifier-config';
import type { remediationEntry } from '../../shared/alerts/remediation';
import type { SecretRef } from '../../shared/alerts/routing';
import type { StateStore } from '../../shared/alerts/state-store';
import type { Json } from '../../shared/json';

export interface NotifierDeps {
  config: NotifierConfig;
  store: StateStore<Episode>;
  now: () => number;
  runId: () => string;
  /** A secret's value by name (cached by the caller); throws when it cannot be read. */
  secret: (ref: SecretRef) => Promise<string>;
  http: HttpSender;
  sleep: (ms: number) => Promise<void>;
  /** PutEvents; resolves with how many entries failed. */
  putEvents?: (entries: ReturnType<typeof remediationEntry>[]) => Promise<{ failed: number }>;
  /** DescribeAlarms of the stack's alarms in ALARM, and of alarms by name (raw API shapes). */
  alarms: { inAlarm: () => Promise<Json[]>; byName: (names: string[]) => Promise<Json[]> };
  /** GetMetricData for the contributor SEARCH; absent: messages list no contributors. */
  search?: (q: ContributorQuery) => Promise<{ Label?: string; Values?: number[] }[]>;
  log: (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
  count: (metric: 'delivered' | 'failed' | 'rejected' | 'skipped', reason?: string) => void;
  /** Which destination URLs are allowed: strict unless a test lets its 127.0.0.1 receivers in. */
  urlPolicy?: UrlPolicy;
}

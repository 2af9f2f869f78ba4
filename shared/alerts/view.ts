/**
 * An alarm change turned into what a responder reads, whatever the destination: which alarm, how
 * bad, which model or team, the value against the threshold over which window, since when, where
 * to look, why the alarm is set that way, what to do, and who spent most. Destinations only lay it
 * out. It holds alarm data and metric figures only: no prompt or response text, no secret.
 */
import { dashboardNameIn } from '../monitoring/dashboards/names';
import type { AlarmEvent, AlarmState } from './alarm-event';
import { type AlarmFamily, type DashboardKey, FAMILY_GUIDES, familyOf, type ValueUnit } from './families';

export type AlertLevel = 'warning' | 'critical';

export interface Contributor {
  name: string;
  value: number;
}

/** The attribution values (teams, callers) or models that contributed most, over a window. */
export interface Contributors {
  /** The dimension ranked: `team`, `Caller`, `ModelId`. */
  dimension: string;
  metric: string;
  /** Words for the window, e.g. `this month` or `the last hour`. */
  window: string;
  top: Contributor[];
}

export interface AlertScope {
  kind: 'all' | 'model' | 'team';
  label: string;
  model?: string;
  team?: { dimension: string; value: string };
}

export interface AlertView {
  alarm: string;
  family: AlarmFamily;
  key: string;
  level: AlertLevel;
  state: AlarmState;
  scope: AlertScope;
  headline: string;
  /** `value vs threshold over the window`, in the family's unit. */
  summary: string;
  value?: number;
  threshold?: number;
  comparison?: string;
  window?: string;
  /** When the alarm changed to this state (ISO). */
  since: string;
  /** CloudWatch's reason for the change. */
  reason: string;
  meaning: string;
  description: string;
  rationale: string;
  runbook: string[];
  dashboardUrl?: string;
  alarmUrl?: string;
  contributors?: Contributors;
  /**
   * Stable per incident (not per episode): PagerDuty's dedup_key, Opsgenie's alias. Without an
   * incident, per alarm.
   */
  dedupKey: string;
  /** The incident the alarm belongs to, and the alarms behind it in ALARM now. */
  incident?: { key: string; alarms: string[] };
  region?: string;
  account?: string;
}

export interface ViewContext {
  namePrefix: string;
  /** Dashboard names of the stack by key. */
  dashboards: Partial<Record<DashboardKey, string>>;
  contributors?: Contributors;
  incident?: { key: string; alarms: string[] };
}

const SYMBOL: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
  GreaterThanUpperThreshold: 'above the band',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
};

const UNITS: Record<ValueUnit, (n: number) => string> = {
  USD: (n) => `$${n.toFixed(2)}`,
  ms: (n) => `${Math.round(n)} ms`,
  pct: (n) => `${Number(n.toFixed(2))} %`,
  tokens: (n) => `${Math.round(n).toLocaleString('en-US')} tokens`,
  plain: (n) => String(Number(n.toPrecision(6))),
};

/**
 * A figure in a family's unit, as messages show it (the simulator's timeline uses the same words).
 * @example formatValue('pct', 7.5) // '7.5 %'
 */
export const formatValue = (unit: ValueUnit, n: number): string => UNITS[unit](n);

/** `1 hour`, `5 minutes`, `1 minute`. */
function duration(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

export function scopeOf(dimensions: Record<string, string>): AlertScope {
  if (dimensions.ModelId) return { kind: 'model', label: dimensions.ModelId, model: dimensions.ModelId };
  const team = Object.entries(dimensions).find(([k]) => k !== 'service' && k !== 'ModelId');
  if (team)
    return { kind: 'team', label: `${team[0]} ${team[1]}`, team: { dimension: team[0], value: team[1] } };
  return { kind: 'all', label: 'all models' };
}

/** The console host of a region's partition. */
function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return 'console.aws.amazon.com';
}

function links(event: AlarmEvent, dashboard: string | undefined) {
  if (!event.region) return {};
  const base = `https://${event.region}.${consoleHost(event.region)}/cloudwatch/home?region=${event.region}`;
  return {
    alarmUrl: `${base}#alarmsV2:alarm/${encodeURIComponent(event.name)}`,
    // The settings hold the names with the region left open (dashboards are global per account).
    ...(dashboard
      ? {
          dashboardUrl: `${base}#dashboards:name=${encodeURIComponent(dashboardNameIn(dashboard, event.region))}`,
        }
      : {}),
  };
}

/** The description and the rationale the alarm definitions join into AlarmDescription. */
function splitDescription(text: string): { description: string; rationale: string } {
  const match = /^(.*?)\. Why(?: these settings)?: (.*)$/s.exec(text);
  return match
    ? { description: match[1] as string, rationale: match[2] as string }
    : { description: text, rationale: '' };
}

/** `value … threshold … over …`, the figures the event carries, in the family's unit. */
function summaryOf(event: AlarmEvent, format: (n: number) => string, window: string | undefined): string {
  const symbol = event.comparison ? (SYMBOL[event.comparison] ?? event.comparison) : undefined;
  const parts = [
    event.value !== undefined ? `value ${format(event.value)}` : undefined,
    event.threshold !== undefined && symbol ? `${symbol} threshold ${format(event.threshold)}` : undefined,
    window ? `over ${window}` : undefined,
  ].filter(Boolean);
  if (parts.length > 0) return parts.join(' ');
  return event.rule ? `rule ${event.rule}` : 'no figures in the notification';
}

const windowOf = (event: AlarmEvent) =>
  event.periodSeconds && event.evaluationPeriods
    ? `${event.datapointsToAlarm ?? event.evaluationPeriods} of the last ${event.evaluationPeriods} periods of ${duration(event.periodSeconds)}`
    : undefined;

const stateWord = (state: AlarmState, level: AlertLevel) =>
  state === 'ALARM' ? level.toUpperCase() : state === 'OK' ? 'RESOLVED' : state;

function dedupKeyOf(event: AlarmEvent, ctx: ViewContext): string {
  const where = `bedrock-watch/${event.account ?? 'account'}/${event.region ?? 'region'}`;
  const what = ctx.incident ? `${ctx.namePrefix}/${ctx.incident.key}` : event.name;
  return `${where}/${what}`.slice(0, 255);
}

/** The figures of the event that are there, as optional fields. */
const figures = (event: AlarmEvent, window: string | undefined) => ({
  ...(event.value !== undefined ? { value: event.value } : {}),
  ...(event.threshold !== undefined ? { threshold: event.threshold } : {}),
  ...(event.comparison ? { comparison: event.comparison } : {}),
  ...(window ? { window } : {}),
});

/**
 * The view of one alarm change; undefined for an alarm that is not this stack's.
 * @example alertView(event, 'critical', { namePrefix: 'bedrock-watch-prod', dashboards })?.headline
 */
export function alertView(event: AlarmEvent, level: AlertLevel, ctx: ViewContext): AlertView | undefined {
  const named = familyOf(event.name, ctx.namePrefix);
  if (!named) return undefined;
  const guide = FAMILY_GUIDES[named.family];
  const format = UNITS[guide.unit];
  const scope = scopeOf(event.dimensions);
  const window = windowOf(event);
  const { description, rationale } = splitDescription(event.description);
  return {
    alarm: event.name,
    family: named.family,
    key: named.key,
    level,
    state: event.state,
    scope,
    headline: `[${stateWord(event.state, level)}] ${named.key} (${scope.label})`,
    summary: summaryOf(event, format, window),
    ...figures(event, window),
    since: new Date(event.atMs).toISOString(),
    reason: event.reason,
    meaning: guide.meaning,
    description,
    rationale,
    runbook: guide.runbook,
    ...links(event, ctx.dashboards[guide.dashboard]),
    ...(ctx.contributors && ctx.contributors.top.length > 0 ? { contributors: ctx.contributors } : {}),
    dedupKey: dedupKeyOf(event, ctx),
    ...(ctx.incident ? { incident: ctx.incident } : {}),
    ...(event.region ? { region: event.region } : {}),
    ...(event.account ? { account: event.account } : {}),
  };
}

/**
 * How a resolution reads: back to OK, or out of ALARM without data (INSUFFICIENT_DATA is not OK).
 * @example resolution(view) // 'Back to OK since 2025-11-01T10:01:00.000Z'
 */
export function resolution(view: AlertView): string {
  return view.state === 'OK'
    ? `Back to OK since ${view.since}`
    : `Out of ALARM since ${view.since}, in ${view.state} (not enough data to decide)`;
}

/** The incident line: its key and the alarms behind it in ALARM, when there is more than one. */
export function incidentLine(view: AlertView): string | undefined {
  if (!view.incident || view.incident.alarms.length < 2) return undefined;
  return `Incident ${view.incident.key}: ${view.incident.alarms.length} alarms in ALARM (${view.incident.alarms.join(', ')})`;
}

/**
 * The lines of a contributor list, e.g. `team search: $12.30`.
 * @example contributorLines(view.contributors) // ['team search: $12.30', …]
 */
export function contributorLines(c: Contributors | undefined): string[] {
  if (!c) return [];
  const format =
    c.metric === 'CostUSD' ? (UNITS.USD as (n: number) => string) : (UNITS.tokens as (n: number) => string);
  return c.top.map((t) => `${c.dimension} ${t.name}: ${format(t.value)}`);
}

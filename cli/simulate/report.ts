/**
 * The simulator's two outputs: the `--json` document other tools read, and the readable timeline.
 */
import { FAMILY_GUIDES } from '../../shared/alerts/families';
import { formatValue } from '../../shared/alerts/view';
import type { AlarmTimeline } from '../../shared/analysis/alarm-evaluator';
import type { MessageAction, RoutedIncident, RoutedMessage, RoutingPreview } from './routing';
import type { Notification, SimulationResult } from './run';

/** What the command adds to a simulation: warnings about the parameters, and the routing preview. */
export interface ReportExtras {
  warnings?: string[];
  routing?: RoutingPreview;
  /** The first breaching minute behind each ALARM transition, by `key@atMs` (breach.ts). */
  breaches?: ReadonlyMap<string, number>;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).concat('Z');
/** Every line fits a terminal's 120 columns: the timeline wraps, routing lines cut long model ids, marked. */
const WIDTH = 120;
const fit = (line: string) => (line.length <= WIDTH ? line : `${line.slice(0, WIDTH - 1)}…`);

export interface SimulationJson {
  window: { from: string; to: string };
  deliveryLagSeconds: number;
  alarms: {
    key: string;
    name: string;
    kind: 'metric' | 'composite';
    level: string;
    family: string;
    scope: string;
    simulated: boolean;
    notSimulatedReason?: string;
    approximate: boolean;
    transitions: {
      at: string;
      state: string;
      value?: number;
      threshold?: number;
      /** ALARM only: the first minute its metric breached the threshold (docs/simulate-routing.md). */
      breachedAt?: string;
      reason: string;
    }[];
    finalState: string;
  }[];
  notifications: { at: string; topic: string; alarm: string; state: string }[];
  /** Problems with the parameters the run could not show otherwise (a watched model the input lacks); the CLI always writes it. */
  warnings?: string[];
  /** With alertTargets: what the notifier would send, to whom, when (docs/simulate-routing.md). */
  routing?: RoutingJson;
}

export interface RoutingJson {
  destinations: { name: string; type: string }[];
  policies: Record<'critical' | 'warning', { afterMinutes: number; targets: string[] }[]>;
  incidents: {
    incident: string;
    level: string;
    openedAt: string;
    closedAt?: string;
    alarms: {
      alarm: string;
      level: string;
      scope: string;
      summary: string;
      breachedAt: string;
      alarmAt: string;
      okAt?: string;
    }[];
    messages: number;
  }[];
  messages: {
    at: string;
    incident: string;
    level: string;
    destination: string;
    type: string;
    action: MessageAction;
    step?: number;
    minutesSinceBreach: number;
    dedupKey: string;
  }[];
  perDay: { day: string; destination: string; pages: number; resolves: number }[];
}

function routingJson(r: RoutingPreview): RoutingJson {
  return {
    destinations: r.destinations,
    policies: r.policies,
    incidents: r.incidents.map((i) => ({
      incident: i.incident,
      level: i.level,
      openedAt: iso(i.openedAtMs),
      ...(i.closedAtMs !== undefined ? { closedAt: iso(i.closedAtMs) } : {}),
      alarms: i.alarms.map(({ breachedAtMs, alarmAtMs, okAtMs, ...a }) => ({
        ...a,
        breachedAt: iso(breachedAtMs),
        alarmAt: iso(alarmAtMs),
        ...(okAtMs !== undefined ? { okAt: iso(okAtMs) } : {}),
      })),
      messages: i.messages.length,
    })),
    messages: r.messages.map(({ atMs, ...m }) => ({ at: iso(atMs), ...m })),
    perDay: r.perDay,
  };
}

const breachedAt = (breaches: ReadonlyMap<string, number> | undefined, key: string) => {
  const at = breaches?.get(key);
  return at !== undefined ? { breachedAt: iso(at) } : {};
};

/** The `--json` document (shape documented in docs/alarms.md and docs/simulate-routing.md). */
export function simulationJson(result: SimulationResult, extras: ReportExtras = {}): SimulationJson {
  return {
    window: { from: iso(result.fromMs), to: iso(result.toMs) },
    deliveryLagSeconds: result.deliveryLagSeconds,
    alarms: result.timelines.map((t) => ({
      key: t.definition.key,
      name: t.definition.name,
      kind: t.definition.kind,
      level: t.definition.level,
      family: t.definition.family,
      scope: t.definition.scope,
      simulated: t.simulated,
      ...(t.notSimulatedReason ? { notSimulatedReason: t.notSimulatedReason } : {}),
      approximate: t.approximate,
      transitions: t.transitions.map((tr) => ({
        at: iso(tr.atMs),
        state: tr.state,
        ...(tr.value !== undefined ? { value: Number(tr.value.toPrecision(10)) } : {}),
        ...(tr.threshold !== undefined ? { threshold: Number(tr.threshold.toPrecision(10)) } : {}),
        ...breachedAt(extras.breaches, `${t.definition.key}@${tr.atMs}`),
        reason: tr.reason,
      })),
      finalState: t.finalState,
    })),
    notifications: result.notifications.map((n) => ({
      at: iso(n.atMs),
      topic: n.topic,
      alarm: n.alarm,
      state: n.state,
    })),
    ...(extras.warnings ? { warnings: extras.warnings } : {}),
    ...(extras.routing ? { routing: routingJson(extras.routing) } : {}),
  };
}

const wentToAlarm = (t: AlarmTimeline) => t.transitions.some((tr) => tr.state === 'ALARM');

/** A figure in the alarm family's unit (`7.5 %`, `$11.30`, `2,400 ms`), as the notifier words it. */
const inUnit = (t: AlarmTimeline, n: number) => formatValue(FAMILY_GUIDES[t.definition.family].unit, n);

/** `value 7.5 % vs 1 %` of a transition, when it has figures. */
function figures(t: AlarmTimeline, tr: AlarmTimeline['transitions'][number]): string {
  if (tr.value === undefined) return '';
  return `  value ${inUnit(t, tr.value)}${tr.threshold !== undefined ? ` vs ${inUnit(t, tr.threshold)}` : ''}`;
}

/** An alarm's transitions; an ALARM says how many minutes after its metric first breached it came. */
function alarmBlock(t: AlarmTimeline, breaches: ReadonlyMap<string, number>): string[] {
  const d = t.definition;
  const tag = `${d.level === 'none' ? 'input' : d.level}${t.approximate ? ', approximate' : ''}`;
  const lines = [`${d.key}  (${tag}; ${d.family}, scope ${d.scope})`];
  for (const tr of t.transitions) {
    const breach = tr.state === 'ALARM' ? breaches.get(`${d.key}@${tr.atMs}`) : undefined;
    const after =
      breach !== undefined
        ? `  (+${Math.round((tr.atMs - breach) / 60_000)} min since the metric breached)`
        : '';
    lines.push(`  ${iso(tr.atMs)}  ${tr.state.padEnd(17)}${figures(t, tr)}${after}`);
    if (tr.state !== 'OK') lines.push(`      ${tr.reason}`);
  }
  return lines;
}

/** When an alarm first went to ALARM (alarms are listed in that order). */
const firstAlarm = (t: AlarmTimeline) => t.transitions.find((tr) => tr.state === 'ALARM')?.atMs ?? 0;

/** A line wider than the terminal's 120 columns, broken at spaces; continuations indented 4 more. */
function wrapped(untrimmed: string): string[] {
  const line = untrimmed.trimEnd();
  if (line.length <= WIDTH) return [line];
  const lead = line.length - line.trimStart().length;
  const indent = ' '.repeat(lead + 4);
  const out: string[] = [];
  let current = line.slice(0, lead);
  let empty = true;
  for (const word of line.slice(lead).split(' ')) {
    if (!empty && current.length + 1 + word.length > WIDTH) {
      out.push(current);
      current = indent + word;
    } else current = empty ? current + word : `${current} ${word}`;
    empty = false;
  }
  out.push(current);
  return out;
}

function notificationLines(notifications: readonly Notification[]): string[] {
  const out: string[] = [];
  for (const topic of ['critical', 'warning'] as const) {
    const mine = notifications.filter((n) => n.topic === topic);
    // A new alarm's first OK (from INSUFFICIENT_DATA) is sent too; counted, not listed.
    const firstOk = mine.filter((n) => n.state === 'OK' && n.from === 'INSUFFICIENT_DATA');
    const listed = mine.filter((n) => !firstOk.includes(n));
    out.push(
      `${topic} topic: ${listed.length} notification(s)${firstOk.length > 0 ? `, plus ${firstOk.length} initial OK` : ''}`,
    );
    for (const n of listed) out.push(`  ${iso(n.atMs)}  ${n.state.padEnd(5)} ${n.alarm}`);
  }
  return out;
}

/** The readable report: what alarmed and when, what stayed quiet, what could not be simulated. */
export function formatSimulation(result: SimulationResult, extras: ReportExtras = {}): string {
  const simulated = result.timelines.filter((t) => t.simulated);
  // In the order they went to ALARM (stable: definition order within a minute).
  const fired = simulated.filter(wentToAlarm).sort((a, b) => firstAlarm(a) - firstAlarm(b));
  const quiet = simulated.filter((t) => !wentToAlarm(t));
  const skipped = result.timelines.filter((t) => !t.simulated);
  const lines = [
    result.toMs < result.fromMs
      ? 'Window: none (no invocation record could be read)'
      : `Window: ${iso(result.fromMs)} to ${iso(result.toMs)}, evaluated every minute; delivery lag ${result.deliveryLagSeconds} s`,
    `Alarms: ${result.timelines.length} (${fired.length} went to ALARM, ${quiet.length} did not, ${skipped.length} not simulated); batches ${result.batches.total}${result.batches.failed > 0 ? `, ${result.batches.failed} failed` : ''}`,
    '',
    fired.length > 0 ? 'Went to ALARM:' : 'No alarm went to ALARM.',
    ...fired.flatMap((t) => alarmBlock(t, extras.breaches ?? new Map())),
    '',
    `Stayed out of ALARM (final state): ${quiet.map((t) => `${t.definition.key}=${t.finalState}`).join(', ') || 'none'}`,
  ];
  if (skipped.length > 0) {
    lines.push('', 'Not simulated (their metrics do not come from the invocation logs):');
    for (const t of skipped) lines.push(`  ${t.definition.key}: ${t.notSimulatedReason}`);
  }
  const approximate = simulated.filter((t) => t.approximate);
  if (approximate.length > 0)
    lines.push(
      '',
      `Approximate (anomaly band stand-in, see docs/alarms.md): ${approximate.map((t) => t.definition.key).join(', ')}`,
    );
  lines.push('', 'Notifications:', ...notificationLines(result.notifications));
  if (extras.routing) lines.push('', ...routingLines(extras.routing, result.toMs));
  return `${lines.flatMap(wrapped).join('\n')}\n`;
}

const since = (m: number) => `+${m} min`;

function policyLine(level: string, steps: RoutingPreview['policies']['critical']): string {
  const text = steps.map((s) => `${s.afterMinutes} min ${s.targets.join(', ')}`).join('; ');
  return `  ${level} policy: ${text || 'nobody (no step, or only pagers for warnings)'}`;
}

const minutesBetween = (fromMs: number, toMs: number) => Math.round((toMs - fromMs) / 60_000);

/**
 * An incident episode: its alarms in time order, each with its figures (units included) and the
 * minutes from its first breach to its ALARM, then the messages, one line per minute and action.
 */
function incidentLines(i: RoutedIncident, windowEndMs: number): string[] {
  const firstBreach = Math.min(...i.alarms.map((a) => a.breachedAtMs), i.openedAtMs);
  const end =
    i.closedAtMs !== undefined
      ? `every alarm left ALARM ${since(minutesBetween(firstBreach, i.closedAtMs))}`
      : `still open at ${minute(windowEndMs)} (later steps not simulated)`;
  const lines = [`  ${minute(i.openedAtMs)}  ${i.level.padEnd(8)}  incident ${i.incident}: ${end}`];
  for (const a of i.alarms)
    lines.push(
      `      ${minute(a.alarmAtMs)}  ALARM ${since(minutesBetween(a.breachedAtMs, a.alarmAtMs)).padEnd(8)} ${a.alarm}`,
      `          ${a.scope}: ${a.summary}`,
      `          metric breached ${minute(a.breachedAtMs)}; ${a.okAtMs !== undefined ? `left ALARM ${minute(a.okAtMs)}` : 'in ALARM at the end'}`,
    );
  const groups = new Map<string, { m: RoutedMessage; to: string[] }>();
  for (const m of i.messages) {
    const key = `${m.atMs}|${m.action}|${m.level}`;
    const group = groups.get(key) ?? { m, to: [] };
    group.to.push(m.destination);
    groups.set(key, group);
  }
  for (const { m, to } of groups.values())
    lines.push(
      `      ${minute(m.atMs)}  ${since(m.minutesSinceBreach).padEnd(9)} ${m.action.padEnd(9)} ${m.level.padEnd(9)}${to.join(', ')}`,
    );
  if (i.messages.length === 0) lines.push(`      no message: the ${i.level} policy names no destination`);
  return lines;
}

/** Pages (trigger and escalate) per destination per day, resolves in brackets; one column per destination. */
function perDayLines(r: RoutingPreview): string[] {
  const names = r.destinations.map((d) => d.name);
  const days = [...new Set(r.perDay.map((p) => p.day))];
  const cell = (rows: RoutingPreview['perDay'], name: string) => {
    const mine = rows.filter((p) => p.destination === name);
    const sum = (f: 'pages' | 'resolves') => mine.reduce((a, p) => a + p[f], 0);
    return `${sum('pages')} (${sum('resolves')})`;
  };
  const width = Math.max(9, ...names.map((n) => n.length)) + 2;
  const header = ['Pages per destination per day (trigger and escalate messages; resolves in brackets):'];
  if (days.length === 0) return [...header, '  none: no alarm sent a message'];
  if (12 + width * names.length > WIDTH)
    return [
      ...header,
      ...days.flatMap((day) =>
        names.map(
          (n) =>
            `  ${day}  ${n}: ${cell(
              r.perDay.filter((p) => p.day === day),
              n,
            )}`,
        ),
      ),
    ];
  const row = (label: string, rows: RoutingPreview['perDay']) =>
    `  ${label.padEnd(12)}${names.map((n) => cell(rows, n).padStart(width)).join('')}`;
  return [
    ...header,
    `  ${'day'.padEnd(12)}${names.map((n) => n.padStart(width)).join('')}`,
    ...days.map((day) =>
      row(
        day,
        r.perDay.filter((p) => p.day === day),
      ),
    ),
    ...(days.length > 1 ? [row('total', r.perDay)] : []),
  ];
}

/** What the notifier would send, alarm by alarm in time order, then the pages per destination per day. */
export function routingLines(r: RoutingPreview, windowEndMs: number): string[] {
  const lines = [
    'Routing: what the deployed notifier would send (its own code on these transitions; nothing is sent):',
    `  destinations: ${r.destinations.map((d) => `${d.name} (${d.type})`).join(', ')}`,
    policyLine('critical', r.policies.critical),
    policyLine('warning', r.policies.warning),
    '  One incident per cause (a family and scope, warning and critical, all models and per model), as the',
    "  notifier groups them. +N min: minutes since the first minute an alarm's metric breached its threshold; the",
    '  traffic changed at least the delivery lag earlier (docs/simulate-routing.md).',
    '',
    ...(r.incidents.length > 0
      ? r.incidents.flatMap((i) => incidentLines(i, windowEndMs))
      : ['  No alarm that notifies went to ALARM: nothing would be sent.']),
    '',
    ...perDayLines(r),
  ];
  return lines.map(fit);
}

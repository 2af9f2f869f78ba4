/**
 * The simulator's two outputs: the `--json` document other tools read, and the readable timeline.
 */
import type { AlarmTimeline } from '../../shared/analysis/alarm-evaluator';
import type { Notification, SimulationResult } from './run';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

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
    transitions: { at: string; state: string; value?: number; threshold?: number; reason: string }[];
    finalState: string;
  }[];
  notifications: { at: string; topic: string; alarm: string; state: string }[];
}

/** The `--json` document (shape documented in docs/alarms.md). */
export function simulationJson(result: SimulationResult): SimulationJson {
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
  };
}

const wentToAlarm = (t: AlarmTimeline) => t.transitions.some((tr) => tr.state === 'ALARM');

function alarmBlock(t: AlarmTimeline): string[] {
  const d = t.definition;
  const tag = `${d.level === 'none' ? 'input' : d.level}${t.approximate ? ', approximate' : ''}`;
  const lines = [`${d.key}  (${tag}; ${d.family}, scope ${d.scope})`];
  for (const tr of t.transitions) {
    const vs =
      tr.value !== undefined
        ? `  value ${Number(tr.value.toPrecision(6))}${tr.threshold !== undefined ? ` vs ${Number(tr.threshold.toPrecision(6))}` : ''}`
        : '';
    lines.push(`  ${iso(tr.atMs)}  ${tr.state.padEnd(17)}${vs}`);
    if (tr.state !== 'OK') lines.push(`      ${tr.reason}`);
  }
  return lines;
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
export function formatSimulation(result: SimulationResult): string {
  const simulated = result.timelines.filter((t) => t.simulated);
  const fired = simulated.filter(wentToAlarm);
  const quiet = simulated.filter((t) => !wentToAlarm(t));
  const skipped = result.timelines.filter((t) => !t.simulated);
  const lines = [
    result.toMs < result.fromMs
      ? 'Window: none (no invocation record could be read)'
      : `Window: ${iso(result.fromMs)} to ${iso(result.toMs)}, evaluated every minute; delivery lag ${result.deliveryLagSeconds} s`,
    `Alarms: ${result.timelines.length} (${fired.length} went to ALARM, ${quiet.length} did not, ${skipped.length} not simulated); batches ${result.batches.total}${result.batches.failed > 0 ? `, ${result.batches.failed} failed` : ''}`,
    '',
    fired.length > 0 ? 'Went to ALARM:' : 'No alarm went to ALARM.',
    ...fired.flatMap(alarmBlock),
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
  return `${lines.join('\n')}\n`;
}

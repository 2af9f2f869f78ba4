/**
 * Seeded, regenerable Bedrock traffic for the alarm scenarios: a steady base load per model with a
 * daily shape, and incidents that change one model's latency, errors, volume or output size for a
 * while. Records carry token counts and latency only (no prompt or answer text).
 */
import { INVOCATION_SCHEMA_TYPE } from '../../shared/contract/bedrock-logs';
import { prng } from './prng';

export interface ModelLoad {
  modelId: string;
  /** Calls per minute at the daily peak (the night runs at a third of it when `dailyShape` is on). */
  perMinute: number;
  latencyMedianMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Share of calls that fail with ValidationException in normal times. */
  baseErrorRate?: number;
}

export interface Incident {
  modelId: string;
  /** Minutes from the scenario start. */
  fromMinute: number;
  toMinute: number;
  latencyFactor?: number;
  errorRate?: number;
  errorCode?: string;
  volumeFactor?: number;
  outputTokensFactor?: number;
  /** Share of successful calls that stop at max_tokens (a truncated answer). */
  truncatedRate?: number;
  /** Share of successful calls a guardrail stops (stop reason guardrail_intervened). */
  guardrailRate?: number;
}

export interface TrafficSpec {
  seed: number;
  start: string;
  minutes: number;
  dailyShape: boolean;
  models: ModelLoad[];
  incidents: Incident[];
  /** Single failed calls at these minutes (model, minute, error code). */
  isolatedFailures?: { modelId: string; minute: number; errorCode: string }[];
}

/** Busier in working hours (UTC 08–20), a third of the peak at night. */
const shapeAt = (timeMs: number) => {
  const hour = new Date(timeMs).getUTCHours();
  return hour >= 8 && hour < 20 ? 1 : 1 / 3;
};

function record(
  modelId: string,
  timeMs: number,
  requestId: string,
  outcome: {
    errorCode?: string;
    latencyMs: number;
    inputTokens: number;
    outputTokens: number;
    stopReason?: string;
  },
): string {
  const base = {
    schemaType: INVOCATION_SCHEMA_TYPE,
    schemaVersion: '1.0',
    timestamp: new Date(timeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    accountId: '123456789012',
    identity: { arn: 'arn:aws:sts::123456789012:assumed-role/app-role/session' },
    region: 'us-east-1',
    requestId,
    operation: 'Converse',
    modelId,
  };
  if (outcome.errorCode)
    return JSON.stringify({ ...base, errorCode: outcome.errorCode, input: {}, output: {} });
  return JSON.stringify({
    ...base,
    input: { inputContentType: 'application/json', inputTokenCount: outcome.inputTokens },
    output: {
      outputContentType: 'application/json',
      outputTokenCount: outcome.outputTokens,
      outputBodyJson: {
        stopReason: outcome.stopReason ?? 'end_turn',
        metrics: { latencyMs: outcome.latencyMs },
        usage: {
          inputTokens: outcome.inputTokens,
          outputTokens: outcome.outputTokens,
          totalTokens: outcome.inputTokens + outcome.outputTokens,
        },
      },
    },
  });
}

/** The stop reason of a successful call during a quality incident, from one roll in [0, 1). */
function qualityStop(incident: Incident, roll: number): string {
  const truncated = incident.truncatedRate ?? 0;
  if (roll < truncated) return 'max_tokens';
  if (roll < truncated + (incident.guardrailRate ?? 0)) return 'guardrail_intervened';
  return 'end_turn';
}

type Factor = (key: 'latencyFactor' | 'volumeFactor' | 'outputTokensFactor') => number;

/** What one call of a model in a minute is drawn from. */
interface CallDraw {
  rand: () => number;
  lognormal: (median: number, sigma: number) => number;
  requestId: () => string;
  load: TrafficSpec['models'][number];
  minuteStart: number;
  incidentError: Incident | undefined;
  incidentQuality: Incident | undefined;
  factor: Factor;
}

/** One call's log line; the draws are made in a fixed order, so a seed gives the same traffic. */
function oneCall(d: CallDraw): { time: number; line: string } {
  const { rand, load, incidentError, incidentQuality } = d;
  const time = d.minuteStart + Math.floor(rand() * 60) * 1000;
  const failRoll = rand();
  const errorCode =
    incidentError && failRoll < (incidentError.errorRate ?? 0)
      ? (incidentError.errorCode ?? 'InternalServerException')
      : failRoll < (load.baseErrorRate ?? 0)
        ? 'ValidationException'
        : undefined;
  // Drawn only during a quality incident, so every other scenario's traffic stays as it was.
  const stopReason = incidentQuality && !errorCode ? qualityStop(incidentQuality, rand()) : undefined;
  return {
    time,
    line: record(load.modelId, time, d.requestId(), {
      ...(errorCode ? { errorCode } : {}),
      ...(stopReason ? { stopReason } : {}),
      latencyMs: Math.max(50, d.lognormal(load.latencyMedianMs * d.factor('latencyFactor'), 0.35)),
      inputTokens: Math.max(1, d.lognormal(load.inputTokens, 0.4)),
      outputTokens: Math.max(1, d.lognormal(load.outputTokens * d.factor('outputTokensFactor'), 0.4)),
    }),
  };
}

/**
 * The traffic as raw log lines in time order.
 * @example generateTraffic({ seed: 1, start: '2025-10-20T00:00:00Z', minutes: 60, dailyShape: false, models, incidents: [] })
 */
export function generateTraffic(spec: TrafficSpec): string[] {
  const rand = prng(spec.seed);
  const start = Date.parse(spec.start);
  const lognormal = (median: number, sigma: number) => {
    const u = Math.max(rand(), 1e-9);
    return Math.round(
      median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())),
    );
  };
  const lines: { time: number; line: string }[] = [];
  let n = 0;
  const requestId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  for (let minute = 0; minute < spec.minutes; minute++) {
    const minuteStart = start + minute * 60_000;
    for (const load of spec.models) {
      const active = spec.incidents.filter(
        (i) => i.modelId === load.modelId && minute >= i.fromMinute && minute < i.toMinute,
      );
      const factor = (key: 'latencyFactor' | 'volumeFactor' | 'outputTokensFactor') =>
        active.reduce((f, i) => f * (i[key] ?? 1), 1);
      const expected = load.perMinute * (spec.dailyShape ? shapeAt(minuteStart) : 1) * factor('volumeFactor');
      // Poisson-ish count: the expectation, rounded by a coin toss on its fraction.
      const calls = Math.floor(expected) + (rand() < expected % 1 ? 1 : 0);
      const incidentError = active.find((i) => i.errorRate !== undefined);
      const incidentQuality = active.find(
        (i) => i.truncatedRate !== undefined || i.guardrailRate !== undefined,
      );
      const draw: CallDraw = {
        rand,
        lognormal,
        requestId,
        load,
        minuteStart,
        incidentError,
        incidentQuality,
        factor,
      };
      for (let c = 0; c < calls; c++) lines.push(oneCall(draw));
    }
  }
  for (const f of spec.isolatedFailures ?? []) {
    const time = start + f.minute * 60_000 + 30_000;
    lines.push({
      time,
      line: record(f.modelId, time, requestId(), {
        errorCode: f.errorCode,
        latencyMs: 0,
        inputTokens: 0,
        outputTokens: 0,
      }),
    });
  }
  return lines.sort((a, b) => a.time - b.time).map((l) => l.line);
}

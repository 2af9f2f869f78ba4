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
  /**
   * Further shares of calls that fail in normal times, each with its error code (a healthy
   * account's failure mix: a few server errors, timeouts and throttles). Drawn after
   * `baseErrorRate` from the same roll, so a load without them generates the same traffic.
   */
  baseFailures?: { errorCode: string; rate: number }[];
  /** The account and region the calls come from (an organization's traffic); 123456789012 in us-east-1 by default. */
  accountId?: string;
  region?: string;
}

export interface Incident {
  modelId: string;
  /** Only this account's load of the model (every account's when absent). */
  accountId?: string;
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

const DEFAULT_ACCOUNT = '123456789012';
const DEFAULT_REGION = 'us-east-1';

function record(
  modelId: string,
  timeMs: number,
  requestId: string,
  origin: { accountId: string; region: string },
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
    accountId: origin.accountId,
    identity: { arn: `arn:aws:sts::${origin.accountId}:assumed-role/app-role/session` },
    region: origin.region,
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

/** One generated call: what its log record says (no prompt or answer text). */
export interface Call {
  timeMs: number;
  modelId: string;
  requestId: string;
  errorCode?: string;
  stopReason?: string;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  accountId?: string;
  region?: string;
}

/** The error code of a call from its failure roll: an incident's first, then the load's normal mix. */
function failureOf(load: ModelLoad, incident: Incident | undefined, roll: number): string | undefined {
  if (incident && roll < (incident.errorRate ?? 0)) return incident.errorCode ?? 'InternalServerException';
  let edge = load.baseErrorRate ?? 0;
  if (roll < edge) return 'ValidationException';
  for (const f of load.baseFailures ?? []) {
    edge += f.rate;
    if (roll < edge) return f.errorCode;
  }
  return undefined;
}

/**
 * A seeded source of calls, minute by minute. Every generator of this file draws through it in
 * the same order, so a spec always gives the same calls, whether written as records or aggregated.
 */
export class CallSource {
  private readonly rand: () => number;
  private readonly startMs: number;
  private n = 0;

  constructor(private readonly spec: TrafficSpec) {
    this.rand = prng(spec.seed);
    this.startMs = Date.parse(spec.start);
  }

  private lognormal(median: number, sigma: number): number {
    const u = Math.max(this.rand(), 1e-9);
    return Math.round(
      median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rand())),
    );
  }

  nextRequestId(): string {
    return `00000000-0000-4000-8000-${String(++this.n).padStart(12, '0')}`;
  }

  /** The calls of one minute from the start (every model in spec order; not sorted by time). */
  minute(minute: number): Call[] {
    const minuteStart = this.startMs + minute * 60_000;
    const calls: Call[] = [];
    for (const load of this.spec.models) {
      const active = this.spec.incidents.filter(
        (i) =>
          i.modelId === load.modelId &&
          (i.accountId === undefined || i.accountId === load.accountId) &&
          minute >= i.fromMinute &&
          minute < i.toMinute,
      );
      const factor = (key: 'latencyFactor' | 'volumeFactor' | 'outputTokensFactor') =>
        active.reduce((f, i) => f * (i[key] ?? 1), 1);
      const expected =
        load.perMinute * (this.spec.dailyShape ? shapeAt(minuteStart) : 1) * factor('volumeFactor');
      // Poisson-ish count: the expectation, rounded by a coin toss on its fraction.
      const count = Math.floor(expected) + (this.rand() < expected % 1 ? 1 : 0);
      const incidentError = active.find((i) => i.errorRate !== undefined);
      const incidentQuality = active.find(
        (i) => i.truncatedRate !== undefined || i.guardrailRate !== undefined,
      );
      for (let c = 0; c < count; c++) {
        const timeMs = minuteStart + Math.floor(this.rand() * 60) * 1000;
        const errorCode = failureOf(load, incidentError, this.rand());
        // Drawn only during a quality incident, so every other scenario's traffic stays as it was.
        const stopReason =
          incidentQuality && !errorCode ? qualityStop(incidentQuality, this.rand()) : undefined;
        calls.push({
          timeMs,
          modelId: load.modelId,
          requestId: this.nextRequestId(),
          ...(errorCode ? { errorCode } : {}),
          ...(stopReason ? { stopReason } : {}),
          latencyMs: Math.max(50, this.lognormal(load.latencyMedianMs * factor('latencyFactor'), 0.35)),
          inputTokens: Math.max(1, this.lognormal(load.inputTokens, 0.4)),
          outputTokens: Math.max(1, this.lognormal(load.outputTokens * factor('outputTokensFactor'), 0.4)),
          ...(load.accountId ? { accountId: load.accountId } : {}),
          ...(load.region ? { region: load.region } : {}),
        });
      }
    }
    return calls;
  }

  /** The spec's single failed calls, each at half past its minute (numbered after the traffic). */
  isolatedFailures(): Call[] {
    return (this.spec.isolatedFailures ?? []).map((f) => ({
      timeMs: this.startMs + f.minute * 60_000 + 30_000,
      modelId: f.modelId,
      requestId: this.nextRequestId(),
      errorCode: f.errorCode,
      latencyMs: 0,
      inputTokens: 0,
      outputTokens: 0,
    }));
  }
}

/** One call as a raw invocation-log line. */
export function recordOf(call: Call): string {
  const origin = { accountId: call.accountId ?? DEFAULT_ACCOUNT, region: call.region ?? DEFAULT_REGION };
  return record(call.modelId, call.timeMs, call.requestId, origin, {
    ...(call.errorCode ? { errorCode: call.errorCode } : {}),
    ...(call.stopReason ? { stopReason: call.stopReason } : {}),
    latencyMs: call.latencyMs,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
  });
}

/**
 * The traffic as raw log lines in time order.
 * @example generateTraffic({ seed: 1, start: '2025-10-20T00:00:00Z', minutes: 60, dailyShape: false, models, incidents: [] })
 */
export function generateTraffic(spec: TrafficSpec): string[] {
  const source = new CallSource(spec);
  const calls: Call[] = [];
  for (let minute = 0; minute < spec.minutes; minute++) calls.push(...source.minute(minute));
  calls.push(...source.isolatedFailures());
  return calls.sort((a, b) => a.timeMs - b.timeMs).map(recordOf);
}

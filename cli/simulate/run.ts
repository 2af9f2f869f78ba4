/**
 * The alarm simulator as a library: replays inputs through the real ingest handler, files every EMF
 * value it printed in an in-memory metric store with the moment it would become visible to alarms,
 * then evaluates the alarms the stack would deploy for the given parameters. The CLI is
 * cli/simulate/command.ts.
 */
import { functionEnvironment, ingestNames } from '../../deploy/stack/index';
import { createIngestHandler } from '../../functions/ingest/ingest';
import { type AlarmTimeline, evaluateAlarms } from '../../shared/analysis/alarm-evaluator';
import { DEFAULT_ANOMALY_MODEL } from '../../shared/analysis/anomaly-band';
import { awsBedrockSeries, type DerivedSeries } from '../../shared/analysis/bedrock-metrics';
import { emfDocumentOf } from '../../shared/analysis/emf-reader';
import { AWS_LAMBDA_NAMESPACE } from '../../shared/analysis/lambda-metrics';
import {
  CONTRIBUTOR_DIMENSION,
  INSIGHT_RULE_NAMESPACE,
  MetricStore,
} from '../../shared/analysis/metric-store';
import {
  ATTRIBUTION_RECORD_FIELD,
  AWS_BEDROCK_METRIC,
  AWS_BEDROCK_NAMESPACE,
  FILTER_METRICS,
  RECONCILIATION,
} from '../../shared/contract/metrics';
import { decodeLambdaEvent } from '../../shared/ingest/1-decode';
import {
  type AlarmDefinition,
  buildAlarmDefinitions,
  compositeAlarmRule,
  type MetricRef,
  type StackNames,
} from '../../shared/monitoring/alarms';
import { scheduledFunctionName } from '../../shared/monitoring/alarms/scheduled';
import {
  buildInsightRules,
  contributionOf,
  type InsightRuleDefinition,
} from '../../shared/monitoring/insights';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { emfProblems } from '../common/emf-validator';
import { localLambdaContext } from '../common/lambda-context';
import { localIngestDependencies } from '../common/local-ingest';
import { DecodedInput, decodeForReplay, type ReplayBatch, recordTimeOf } from '../input/shapes';
import { ReplayInputError, streamBatches } from '../input/sources';
import { simulateHourlyFunction } from './hourly';
import { type WeeklyRun, weeklyAdvisorSimulation } from './weekly';

/**
 * Default seconds from a record's timestamp to its datapoint being visible to alarms: Bedrock's
 * log delivery, the subscription, the function and EMF extraction (docs/alarms.md has the sources).
 */
export const DEFAULT_DELIVERY_LAG_SECONDS = 60;

/**
 * Raw lines are cut into batches of at most this much record time: CloudWatch Logs delivers a
 * subscription's events every few seconds, so one batch never spans minutes.
 */
export const SUBSCRIPTION_BATCH_SPAN_MS = 10_000;

/**
 * The service and stage the local tools name things after when not told: serverless.yml's
 * `service` and its `${opt:stage, 'dev'}` default, so a plain `serverless deploy` and a plain
 * `simulate` name the same alarms (test/simulate-stage.test.ts reads serverless.yml to check).
 */
export const DEFAULT_STACK = { service: 'bedrock-watch', stage: 'dev' } as const;

export interface SimulateOptions {
  paths: string[];
  params: StackParameters;
  deliveryLagSeconds: number;
  /** Evaluate until then (default: the last record + 30 minutes). */
  untilMs?: number;
  /** The function's configuration document (a file path), as BEDROCK_WATCH_CONFIG. */
  configPath?: string;
  /**
   * Also run the weekly savings advisor on the simulated weeks (what the preview's Savings widget
   * shows). Off for `simulate`, whose report is the alarms: holding a week of rows and running the
   * checks costs about a quarter of a month's simulation.
   */
  weeklyAdvisor?: boolean;
  /** Stage and service of the stack, for alarm names (default DEFAULT_STACK, as serverless deploy). */
  stack?: { service: string; stage: string };
}

export interface Notification {
  atMs: number;
  topic: 'warning' | 'critical';
  alarm: string;
  state: 'ALARM' | 'OK';
  from: string;
}

export interface SimulationResult {
  /** The names the stack gives its functions, queue and alarms. */
  names: ReturnType<typeof ingestNames>;
  definitions: AlarmDefinition[];
  fromMs: number;
  toMs: number;
  deliveryLagSeconds: number;
  timelines: AlarmTimeline[];
  notifications: Notification[];
  batches: { total: number; failed: number };
  store: MetricStore;
  /** The weekly advisor's runs (cli/simulate/weekly.ts) with `weeklyAdvisor`: what it published and would send. */
  weeklyAdvice: WeeklyRun[];
}

/** The JSON records a batch carries (the weekly advisor's Logs Insights stand-in reads them). */
function recordsOf(batch: ReplayBatch): unknown[] {
  // Parsed once already where the batcher read the records' times.
  if (batch.records) return batch.records;
  const records: unknown[] = [];
  for (const message of messagesOf(batch)) {
    if (typeof message !== 'string' || !message.includes('ModelInvocationLog')) continue;
    try {
      records.push(JSON.parse(message));
    } catch {
      // Not a record: the handler counts it.
    }
  }
  return records;
}

/** The raw lines a batch carries, when they can be read (to find record times). */
function messagesOf(batch: ReplayBatch): unknown[] {
  if (batch.event instanceof DecodedInput) {
    const events = (batch.event.value as { logEvents?: unknown }).logEvents;
    return Array.isArray(events) ? events.map((e) => (e as { message?: unknown } | null)?.message) : [];
  }
  // Decoded here only to find record times; the handler decodes again.
  try {
    return decodeLambdaEvent(batch.event).logEvents.map((e) => e.message);
  } catch {
    return [];
  }
}

/** Per minute of record time, the newest record of a batch: when that minute's values are complete. */
function newestPerMinute(batch: ReplayBatch): { byMinute: Map<number, number>; newest: number | undefined } {
  const byMinute = new Map<number, number>();
  let newest: number | undefined;
  const times =
    batch.recordTimes ??
    messagesOf(batch).map((m) => (typeof m === 'string' ? recordTimeOf(m, Number.NaN) : Number.NaN));
  for (const time of times) {
    if (!Number.isFinite(time)) continue;
    const minute = Math.floor(time / 60_000) * 60_000;
    byMinute.set(minute, Math.max(byMinute.get(minute) ?? time, time));
    newest = Math.max(newest ?? time, time);
  }
  return { byMinute, newest };
}

/** When AWS/Bedrock's point for a minute becomes visible: the minute's end plus a minute. */
const AWS_BEDROCK_VISIBLE_AFTER_MS = 2 * 60_000;
/** The AWS/Bedrock metrics the simulator derives from the records (not the log-delivery ones). */
const AWS_BEDROCK_DERIVED = new Set<string>(
  Object.values(AWS_BEDROCK_METRIC).filter((n) => n !== AWS_BEDROCK_METRIC.estimatedTpmQuotaUsage),
);

/** Files one EMF document (a parsed line) in the store; `stamp` overrides its own timestamp. */
function fileEmf(
  store: MetricStore,
  parsed: unknown,
  visibleAtMs: (minuteMs: number) => number,
  stamp?: number,
) {
  const doc = emfDocumentOf(parsed);
  if (!doc) return;
  const timestampMs = stamp ?? doc.timestampMs;
  const minute = Math.floor(timestampMs / 60_000) * 60_000;
  for (const s of doc.series) {
    store.put(s, timestampMs, visibleAtMs(minute), s.unit, s.values);
  }
}

/** A printed line, parsed once for every reader below (`doc` is absent when it is not JSON). */
interface PrintedLine {
  line: string;
  parsed?: { doc: unknown };
}

function parseLine(line: string): PrintedLine {
  try {
    return { line, parsed: { doc: JSON.parse(line) } };
  } catch {
    return { line };
  }
}

/** Whether a printed line is an EMF document (an `_aws` object), not a log or attribution line that spells it. */
function isEmfDocument({ parsed }: PrintedLine): boolean {
  if (!parsed) return true; // not JSON at all: the validator says why
  const doc = parsed.doc;
  return typeof doc === 'object' && doc !== null && '_aws' in doc;
}

/** Whether a printed line claims to be EMF and breaks the specification. */
function isInvalidEmf(p: PrintedLine): boolean {
  return (
    p.line.startsWith('{') &&
    p.line.includes('"_aws"') &&
    isEmfDocument(p) &&
    emfProblems(p.line, p.parsed).length > 0
  );
}

/** Files, per Contributor Insights rule, each attribution line's contribution at its minute. */
function fileContributions(
  store: MetricStore,
  rules: readonly InsightRuleDefinition[],
  lines: readonly PrintedLine[],
  visibleAtMs: number,
): void {
  if (rules.length === 0) return;
  for (const { line, parsed } of lines) {
    if (!line.includes(`"${ATTRIBUTION_RECORD_FIELD}"`) || !parsed) continue;
    const doc = parsed.doc as Record<string, unknown>;
    for (const rule of rules) {
      const c = contributionOf(rule, doc);
      if (!c) continue;
      const id = {
        namespace: INSIGHT_RULE_NAMESPACE,
        name: rule.name,
        dimensions: { [CONTRIBUTOR_DIMENSION]: c.contributor },
      };
      store.put(id, Number(doc.Timestamp), visibleAtMs, 'None', [c.value]);
    }
  }
}

/**
 * Which metrics the replayed records determine (the rest come from AWS or other functions); the
 * hourly function's figures count, as the simulator runs it on its own store, and so do its
 * AWS/Lambda invocations and errors.
 */
export function derivable(
  params: StackParameters,
  names: Pick<StackNames, 'namePrefix' | 'ingestLogGroupName'>,
) {
  // Metric filters, and the reconcile function's comparison with Cost Explorer (the bill is not in the logs).
  const notFromIngest = new Set<string>([...Object.values(FILTER_METRICS), ...Object.values(RECONCILIATION)]);
  const hourlyFunction = scheduledFunctionName(names, 'monthToDate');
  return (ref: MetricRef) =>
    (ref.namespace === params.metricsNamespace && !notFromIngest.has(ref.metricName)) ||
    (ref.namespace === AWS_BEDROCK_NAMESPACE && AWS_BEDROCK_DERIVED.has(ref.metricName)) ||
    (ref.namespace === 'AWS/Logs' &&
      ['EMFValidationErrors', 'EMFParsingErrors'].includes(ref.metricName) &&
      ref.dimensions.LogGroupName === names.ingestLogGroupName) ||
    (ref.namespace === AWS_LAMBDA_NAMESPACE &&
      ['Invocations', 'Errors'].includes(ref.metricName) &&
      ref.dimensions.FunctionName === hourlyFunction);
}

/** What one batch through the handler wrote, and AWS/Bedrock's view of the same calls. */
interface BatchOutput {
  modelLines: string[];
  healthLines: string[];
  bedrockSeries: { minuteMs: number; series: DerivedSeries }[];
  failed: boolean;
}

/**
 * The ingest handler as the stack deploys it for `params`, on the simulated clock, and what it
 * writes, batch by batch.
 */
function simulatedIngest(env: Record<string, string | undefined>, clock: () => number) {
  let output: BatchOutput = { modelLines: [], healthLines: [], bedrockSeries: [], failed: false };
  const deps = localIngestDependencies(env, {
    emit: (line) => output.modelLines.push(line),
    emitHealth: (line) => output.healthLines.push(line),
    // The simulator reads metrics, not logs.
    writeLog: () => undefined,
    logLevel: env.POWERTOOLS_LOG_LEVEL,
    now: clock,
  });
  const handler = createIngestHandler(deps, {
    decode: decodeForReplay,
    // What AWS/Bedrock would publish for the same calls (the essential set's alarms read it).
    onBatch: (result) => {
      for (const bucket of result.buckets)
        for (const series of awsBedrockSeries(bucket))
          output.bedrockSeries.push({ minuteMs: bucket.minuteStartMs, series });
    },
  });
  return async (batch: ReplayBatch, functionName: string, index: number): Promise<BatchOutput> => {
    output = { modelLines: [], healthLines: [], bedrockSeries: [], failed: false };
    try {
      await handler(batch.event, localLambdaContext(functionName, `simulate-${index}`));
    } catch {
      output.failed = true;
    }
    return output;
  };
}

/** Files one batch's output in the store, each value at the moment it would be visible to alarms. */
function fileBatch(
  store: MetricStore,
  output: BatchOutput,
  at: {
    processingMs: number;
    lagMs: number;
    byMinute: Map<number, number>;
    hasRecordTime: boolean;
    rules: readonly InsightRuleDefinition[];
    ingestLogGroupName: string;
  },
): void {
  const { processingMs, lagMs } = at;
  const modelLines = output.modelLines.map(parseLine);
  const healthLines = output.healthLines.map(parseLine);
  const invalid = modelLines.filter(isInvalidEmf).length + healthLines.filter(isInvalidEmf).length;
  for (const { parsed } of modelLines)
    if (parsed)
      fileEmf(store, parsed.doc, (minute) => (at.byMinute.get(minute) ?? processingMs - lagMs) + lagMs);
  // What the Contributor Insights rules count from the attribution lines, visible once written.
  fileContributions(store, at.rules, modelLines, processingMs);
  // AWS publishes its runtime metrics from the service, about a minute after the minute ends,
  // whatever the invocation logs' delivery lag.
  for (const { minuteMs, series } of output.bedrockSeries)
    store.put(series, minuteMs, minuteMs + AWS_BEDROCK_VISIBLE_AFTER_MS, series.unit, series.values);
  // Powertools stamps the health metrics with the wall clock; in simulation they happen at processing time.
  // Before the first timestamped record there is no simulated time to file them at.
  for (const { line, parsed } of at.hasRecordTime ? healthLines : []) {
    if (parsed && line.includes('"_aws"')) fileEmf(store, parsed.doc, () => processingMs, processingMs);
  }
  if (invalid > 0) {
    store.put(
      {
        namespace: 'AWS/Logs',
        name: 'EMFValidationErrors',
        dimensions: { LogGroupName: at.ingestLogGroupName },
      },
      processingMs,
      processingMs,
      'None',
      [invalid],
    );
  }
}

/**
 * Replays inputs through the real ingest handler and evaluates the stack's alarms over them.
 * @throws ReplayInputError for unusable paths, ConfigError for a bad configuration document.
 */
export async function runSimulation(options: SimulateOptions): Promise<SimulationResult> {
  const simulation = await createSimulation(options);
  await streamBatches(
    options.paths,
    { maxBatchSpanMs: SUBSCRIPTION_BATCH_SPAN_MS, keepRecords: true },
    simulation.add,
  );
  return simulation.finish();
}

/**
 * The simulator over batches as they come (a generator's, say): each goes through the handler and
 * is dropped, so the volume is bounded by the metric store, not by the input.
 * @throws ReplayInputError when no batch has a timestamped record.
 */
export async function simulateBatches(
  batches: Iterable<ReplayBatch> | AsyncIterable<ReplayBatch>,
  options: Omit<SimulateOptions, 'paths'>,
): Promise<SimulationResult> {
  const simulation = await createSimulation(options);
  for await (const batch of batches) await simulation.add(batch);
  return simulation.finish();
}

/**
 * A simulation fed one batch at a time (`add`): each goes through the handler and is dropped, so
 * memory holds the metric store, not the input; `finish` evaluates the alarms.
 */
async function createSimulation(options: Omit<SimulateOptions, 'paths'>) {
  const names = ingestNames(options.stack ?? DEFAULT_STACK);
  const lagMs = options.deliveryLagSeconds * 1000;
  const store = new MetricStore();
  const rules = buildInsightRules(options.params, names);
  // The function's settings as the stack sets them; quiet unless this process asks otherwise.
  const env = {
    ...process.env,
    ...functionEnvironment(options.params),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
    ...(options.configPath ? { BEDROCK_WATCH_CONFIG: options.configPath } : {}),
  };
  let processingMs = 0;
  const ingest = simulatedIngest(env, () => processingMs);

  let lastRecordMs: number | undefined;
  let firstRecordMs: number | undefined;
  let failed = 0;
  let index = 0;
  const weekly = options.weeklyAdvisor
    ? await weeklyAdvisorSimulation(store, options.params, env, () => firstRecordMs)
    : undefined;
  const add = async (batch: ReplayBatch): Promise<void> => {
    const { byMinute, newest } = newestPerMinute(batch);
    // The batch reaches the function once its newest record has been delivered. A batch whose
    // records cannot be read still goes through the handler (which counts or rejects it), at the
    // time of the batch before it.
    if (newest !== undefined) {
      lastRecordMs = Math.max(lastRecordMs ?? newest, newest);
      firstRecordMs = Math.min(firstRecordMs ?? newest, ...byMinute.keys());
      processingMs = newest + lagMs;
    }
    if (weekly) {
      weekly.add(recordsOf(batch));
      await weekly.tick(processingMs);
    }
    const output = await ingest(batch, names.ingestFunctionName, index);
    if (output.failed) failed++;
    fileBatch(store, output, {
      processingMs,
      lagMs,
      byMinute,
      hasRecordTime: lastRecordMs !== undefined,
      rules,
      ingestLogGroupName: names.ingestLogGroupName,
    });
    index++;
  };
  const finish = async (): Promise<SimulationResult> => {
    const range = store.timeRange();
    if (lastRecordMs === undefined && failed === 0)
      throw new ReplayInputError('no record with a timestamp in the inputs, nothing to evaluate');
    // Without any record there is no window: nothing is evaluated (the failed batches are reported).
    const fromMs = lastRecordMs === undefined ? 0 : (range?.fromMs ?? 0);
    const toMs = lastRecordMs === undefined ? -1 : (options.untilMs ?? lastRecordMs + 30 * 60_000);
    // The hourly function publishes month-to-date and token figures from what the store holds by then.
    if (toMs >= fromMs)
      await simulateHourlyFunction(
        store,
        options.params,
        env,
        { fromMs, toMs },
        { functionName: scheduledFunctionName(names, 'monthToDate') },
      );
    const weeklyAdvice = weekly && toMs >= fromMs ? await weekly.finish(toMs) : [];
    const definitions = buildAlarmDefinitions(options.params, names);
    const timelines = evaluateAlarms(definitions, store, {
      fromMs,
      toMs,
      isDerivable: derivable(options.params, names),
      ruleOf: (composite) => compositeAlarmRule(composite, definitions),
      anomaly: DEFAULT_ANOMALY_MODEL,
    });
    return {
      names,
      definitions,
      fromMs,
      toMs,
      deliveryLagSeconds: options.deliveryLagSeconds,
      timelines,
      notifications: notificationsOf(timelines),
      batches: { total: index, failed },
      store,
      weeklyAdvice,
    };
  };
  return { add, finish };
}

/** What the stack's topics would receive: alarm and OK actions of every alarm that has a level. */
export function notificationsOf(timelines: readonly AlarmTimeline[]): Notification[] {
  const out: Notification[] = [];
  for (const t of timelines) {
    const level = t.definition.level;
    if (level === 'none') continue;
    let from = 'INSUFFICIENT_DATA';
    for (const tr of t.transitions) {
      if (tr.state !== 'INSUFFICIENT_DATA')
        out.push({ atMs: tr.atMs, topic: level, alarm: t.definition.key, state: tr.state, from });
      from = tr.state;
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs || (a.alarm < b.alarm ? -1 : 1));
}

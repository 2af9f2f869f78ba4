/**
 * Runs one fuzz case through the real ingest handler and lists every broken invariant.
 */
import type { Context } from 'aws-lambda';
import { emfProblems } from '../../../cli/common/emf-validator';
import { localLambdaContext } from '../../../cli/common/lambda-context';
import { LineLogger } from '../../../cli/common/local-ingest';
import { DecodedInput, decodeForReplay, LineBatcher, type ReplayBatch } from '../../../cli/input/shapes';
import { formatOf, readBytes } from '../../../cli/input/sources';
import {
  createIngestHandler,
  type IngestDependencies,
  type IngestSummary,
  type LocalRun,
} from '../../../functions/ingest/ingest';
import { SinkMetrics } from '../../../functions/ingest/sink-metrics';
import { ATTRIBUTION_RECORD, ATTRIBUTION_RECORD_FIELD } from '../../../shared/contract/metrics';
import { SubscriptionDecodeError } from '../../../shared/ingest/1-decode';
import { createPriceTable, type PriceData } from '../../../shared/ingest/5-price';
import { AttributionResolver } from '../../../shared/ingest/6-attribute';
import { loadIngestConfig } from '../../../shared/ingest/config';
import priceData from '../../../shared/ingest/price-table.json';
import { isObject } from '../../../shared/json';
import { CANARY, type FuzzCase } from './arbitraries';
import type { FormatCase, InputFormat } from './formats';

/** The formats whose file is one batch, as Lambda received it. */
const ONE_BATCH_FORMATS = new Set<InputFormat>(['decoded-payload', 'lambda-event', 'kinesis-event']);

export const INVARIANTS = [
  'the only exception is SubscriptionDecodeError, and only for a broken envelope',
  'a failed batch emits no model metrics',
  "every emitted document is valid EMF within the limits (no NaN, Infinity, negative value or one outside CloudWatch's range)",
  'accepted + rejected + duplicates = events received',
  'every rejection has a reason, and the reasons add up to the rejections',
  'Invocations in the EMF = accepted records, per model and per attribution key (caller, team, tenant)',
  'no canary text (prompt or answer) in anything the handler writes: EMF, attribution lines or logs',
  'every input format replay reads, gzipped or not and cut anywhere, gives the figures of its events handed over directly',
] as const;

/** Replay time for the sample corpus (its records are from 2025-10-20). */
export const FUZZ_NOW = Date.parse('2025-10-20T10:30:00Z');

export interface FuzzRunner {
  check(fuzzCase: FuzzCase): Promise<string[]>;
  /** Reads an input format as replay does, runs it through the handler, and compares. */
  checkFormat(formatCase: FormatCase): Promise<string[]>;
  maxDecompressedBytes: number;
}

/** What a run of batches through the handler produced, for comparison. */
interface Figures {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Invocations per ModelId in the model documents. */
  invocations: Record<string, number>;
  problems: string[];
}

/** What one batch through the handler wrote: EMF and attribution lines, and log lines. */
interface Written {
  result?: IngestSummary;
  error?: unknown;
  lines: string[];
  logs: string[];
}

/** The handler's dependencies with every write kept, and a way to run one batch and read them. */
function fuzzDependencies(logLevel: 'DEBUG' | 'INFO') {
  const config = loadIngestConfig({ BEDROCK_WATCH_MAX_DECOMPRESSED_BYTES: String(24 * 1024 * 1024) });
  let written: Written = { lines: [], logs: [] };
  const emit = (line: string) => {
    written.lines.push(line);
  };
  // The most verbose level: privacy must hold even there.
  const logger = new LineLogger({ serviceName: config.service, logLevel }, (line) => written.logs.push(line));
  const deps: IngestDependencies = {
    config,
    priceTable: createPriceTable(priceData as PriceData),
    now: () => FUZZ_NOW,
    logger,
    metrics: new SinkMetrics({ namespace: config.namespace, serviceName: config.service, logger }, emit),
    emit,
    // Attribution on, with a small cap: hostile metadata must not break the EMF either.
    attribution: fuzzAttribution(),
  };
  const run = async (
    handler: ReturnType<typeof createIngestHandler>,
    event: unknown,
    context: Context,
  ): Promise<Written> => {
    written = { lines: [], logs: [] };
    try {
      written.result = await handler(event, context);
    } catch (error) {
      written.error = error;
    }
    return written;
  };
  return { config, deps, run };
}

const fuzzAttribution = () =>
  new AttributionResolver({ keys: ['caller', 'team', 'tenant'], maxValues: 5, allow: {} });

type Run = ReturnType<typeof fuzzDependencies>['run'];

export function createFuzzRunner(logLevel: 'DEBUG' | 'INFO' = 'DEBUG'): FuzzRunner {
  const { config, deps, run } = fuzzDependencies(logLevel);
  const handler = createIngestHandler(deps);
  const context = localLambdaContext('bedrock-watch-fuzz', 'fuzz');
  return {
    maxDecompressedBytes: config.maxDecompressedBytes,
    checkFormat: (formatCase) => checkFormat(formatCase, deps, run, context),
    async check(fuzzCase) {
      const written = await run(handler, fuzzCase.event, context);
      const printed = printedDocuments(written.lines);
      const problems =
        written.error !== undefined
          ? failureProblems(fuzzCase, written.error, printed)
          : countProblems(fuzzCase, written.result as IngestSummary, printed);
      for (const line of printed.emf) for (const p of emfProblems(line)) problems.push(`EMF: ${p}`);
      if ([...written.lines, ...written.logs].some((l) => l.includes(CANARY)))
        problems.push('canary text reached the output');
      return problems;
    },
  };
}

/** The printed lines by kind: EMF documents (and which are model documents), attribution lines. */
function printedDocuments(lines: readonly string[]) {
  // Told apart by their parsed shape, not by a substring: an attribution value may spell "_aws".
  const parsed = lines.map((l) => ({ line: l, doc: parseLine(l) }));
  const emf = parsed.filter((p) => p.doc !== undefined && isObject(p.doc._aws)).map((p) => p.line);
  const docs = parsed.flatMap((p) => (p.doc && isObject(p.doc._aws) ? [p.doc] : []));
  return {
    emf,
    // Model documents carry a ModelId (and feed [service, ModelId] and [service]); attribution is
    // in the attribution lines (not EMF), one per minute, value and model.
    modelDocs: docs.filter((d) => typeof d.ModelId === 'string'),
    attributionDocs: parsed.flatMap((p) =>
      p.doc && p.doc[ATTRIBUTION_RECORD_FIELD] === ATTRIBUTION_RECORD && !isObject(p.doc._aws) ? [p.doc] : [],
    ),
  };
}

type Printed = ReturnType<typeof printedDocuments>;

/** A batch that threw: only a broken envelope may, and then with no model metrics out. */
function failureProblems(fuzzCase: FuzzCase, error: unknown, printed: Printed): string[] {
  const problems: string[] = [];
  if (!(error instanceof SubscriptionDecodeError)) problems.push(`threw ${String(error)}`);
  else if (!fuzzCase.broken) problems.push(`a well-formed ${fuzzCase.kind} threw ${error.failure}`);
  if (printed.modelDocs.length > 0) problems.push('a failed batch emitted model metrics');
  return problems;
}

const REJECTION_REASON =
  /^(not-json|not-invocation-record|invalid-log-event|outside-time-window|invalid-field:[A-Za-z.]+)$/;

const invocationsIn = (docs: readonly Record<string, unknown>[]) =>
  docs.reduce((a, d) => a + (typeof d.Invocations === 'number' ? d.Invocations : 0), 0);

/** A batch that went through: its counts add up, and the EMF counts what was accepted. */
function countProblems(fuzzCase: FuzzCase, counts: IngestSummary, printed: Printed): string[] {
  const problems: string[] = [];
  if (fuzzCase.broken) problems.push(`a broken ${fuzzCase.kind} was accepted`);
  if (fuzzCase.events !== undefined && counts.received !== fuzzCase.events) {
    problems.push(`received ${counts.received} of ${fuzzCase.events} events`);
  }
  if (counts.accepted + counts.rejected + counts.duplicates !== counts.received) {
    problems.push(
      `accepted ${counts.accepted} + rejected ${counts.rejected} + duplicates ${counts.duplicates} != ${counts.received}`,
    );
  }
  const reasons = Object.entries(counts.rejectedByReason);
  if (reasons.reduce((a, [, n]) => a + n, 0) !== counts.rejected)
    problems.push('rejection reasons do not add up');
  for (const [reason] of reasons) {
    if (!REJECTION_REASON.test(reason)) problems.push(`unexpected rejection reason ${reason}`);
  }
  const invocations = invocationsIn(printed.modelDocs);
  if (invocations !== counts.accepted)
    problems.push(`EMF counts ${invocations} invocations, ${counts.accepted} accepted`);
  for (const dim of ['Caller', 'team', 'tenant']) {
    const attributed = invocationsIn(printed.attributionDocs.filter((d) => typeof d[dim] === 'string'));
    if (attributed !== counts.accepted) {
      problems.push(`${dim} attribution counts ${attributed} invocations, ${counts.accepted} accepted`);
    }
  }
  return problems;
}

/** A printed line as a JSON object, or undefined (Powertools' logs are JSON too; blank lines are not). */
function parseLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const doc: unknown = JSON.parse(line);
    return isObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Adds one batch's counts and model documents to `figures`. */
function addFigures(figures: Figures, written: Written): void {
  const { result } = written;
  if (written.error !== undefined) figures.problems.push(`a batch threw ${String(written.error)}`);
  if (result) {
    figures.received += result.received;
    figures.accepted += result.accepted;
    figures.duplicates += result.duplicates;
    figures.rejected += result.rejected;
    for (const [reason, n] of Object.entries(result.rejectedByReason)) {
      figures.rejectedByReason[reason] = (figures.rejectedByReason[reason] ?? 0) + n;
    }
  }
  for (const line of written.lines) {
    const doc = parseLine(line);
    if (!doc || !isObject(doc._aws)) continue;
    for (const p of emfProblems(line)) figures.problems.push(`EMF: ${p}`);
    // The model documents: ModelId without an attribution dimension.
    const attributed = 'team' in doc || 'Caller' in doc || 'tenant' in doc;
    if (typeof doc.ModelId === 'string' && typeof doc.Invocations === 'number' && !attributed) {
      figures.invocations[doc.ModelId] = (figures.invocations[doc.ModelId] ?? 0) + doc.Invocations;
    }
  }
  if ([...written.lines, ...written.logs].some((l) => l.includes(CANARY)))
    figures.problems.push('canary text reached the output');
}

/** Runs events through a fresh replay-wired handler (its own attribution and model-id cap). */
async function runBatches(
  events: unknown[],
  deps: IngestDependencies,
  run: Run,
  context: Context,
): Promise<Figures> {
  const local: LocalRun = { decode: decodeForReplay, recordTimes: { window: false } };
  const replayHandler = createIngestHandler({ ...deps, attribution: fuzzAttribution() }, local);
  const figures: Figures = {
    received: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByReason: {},
    invocations: {},
    problems: [],
  };
  for (const event of events) addFigures(figures, await run(replayHandler, event, context));
  return figures;
}

/**
 * Reads a format case as replay does and runs what it read through the handler; the figures must
 * be those of its events handed over directly, as one decoded payload.
 */
async function checkFormat(
  formatCase: FormatCase,
  deps: IngestDependencies,
  run: Run,
  context: Context,
): Promise<string[]> {
  // The reference: the events handed over directly, cut as the format's own reader cuts them (raw
  // lines and CLI events into batches of at most 500 events and 1 MiB; a payload or event is one).
  const referenceBatches: unknown[] = [];
  if (ONE_BATCH_FORMATS.has(formatCase.format)) {
    referenceBatches.push(
      new DecodedInput({
        messageType: 'DATA_MESSAGE',
        logEvents: formatCase.messages.map((message, i) => ({ id: String(i), timestamp: 0, message })),
      }),
    );
  } else {
    const batcher = new LineBatcher('reference', (b) => referenceBatches.push(b.event));
    formatCase.messages.forEach((message, i) => {
      batcher.push(message, String(i));
    });
    batcher.flush();
  }
  const reference = await runBatches(referenceBatches, deps, run, context);
  const batches: ReplayBatch[] = [];
  const progress = { events: 0, batches: 0, unreadableElements: 0, bytesRead: 0 };
  try {
    await readBytes(
      (async function* () {
        yield* formatCase.chunks;
      })(),
      formatCase.name,
      formatOf({ kind: 'file', path: formatCase.name }),
      (batch) => {
        batches.push(batch);
        return Promise.resolve();
      },
      progress,
    );
  } catch (error) {
    return [`${formatCase.kind} could not be read: ${String(error)}`];
  }
  const read = await runBatches(
    batches.map((b) => b.event),
    deps,
    run,
    context,
  );
  const problems = [...reference.problems, ...read.problems];
  const comparable = (f: Figures) => JSON.stringify({ ...f, problems: [] });
  if (comparable(read) !== comparable(reference)) {
    problems.push(`${formatCase.kind} gave ${comparable(read)}, its events ${comparable(reference)}`);
  }
  if (read.received !== formatCase.messages.length) {
    problems.push(`${formatCase.kind}: ${read.received} events read of ${formatCase.messages.length}`);
  }
  return problems;
}

/**
 * The ingest handler around its dependencies, so Lambda (functions/ingest/handler.ts), replay, the
 * simulator and tests run the same code. Importing this module builds nothing.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { DIM_REASON, HEALTH } from '../../shared/contract/metrics';
import {
  type DecodeOptions,
  decodeLambdaEvent,
  SubscriptionDecodeError,
  type SubscriptionPayload,
} from '../../shared/ingest/1-decode';
import { applicationProfilesIn, type ProfileResolver } from '../../shared/ingest/4-resolve-model';
import type { PriceTable } from '../../shared/ingest/5-price';
import { type AttributionResolver, ModelIdLimiter } from '../../shared/ingest/6-attribute';
import {
  type BatchResult,
  completeBatch,
  parseBatch,
  type RecordCounts,
  type RecordTimeOptions,
} from '../../shared/ingest/batch';
import type { IngestConfig } from '../../shared/ingest/config';
import { withLambdaContext } from '../common/log-context';

/** What the deployed function runs on; the local tools give the same, with their own sinks. */
export interface IngestDependencies {
  config: IngestConfig;
  priceTable: PriceTable;
  /** Clock for CloudWatch's acceptance window and delivery lag. */
  now: () => number;
  logger: Logger;
  /** Powertools Metrics for the pipeline's own health (no ModelId), publishing where `emit` writes. */
  metrics: Metrics;
  /** Writes one EMF document to the function's log stream. */
  emit: (line: string) => void;
  /** Attribution by caller / requestMetadata; keeps its bounded set of values across invocations. */
  attribution?: AttributionResolver;
  /** Application inference profile → model, configured and looked up. */
  profiles?: ProfileResolver;
  /** The ModelId cap; by default one of `config.maxModelIds`, kept across invocations. */
  modelIds?: ModelIdLimiter;
}

/** What only the local tools (replay, the simulator, fuzz) add to a run; Lambda passes none. */
export interface LocalRun {
  /**
   * Turns the event into a payload (default `decodeLambdaEvent`). Replay hands over payloads it has
   * already read in the clear, instead of gzipping and base64-encoding them only to decode them here.
   */
  decode?: (event: unknown, options: DecodeOptions) => SubscriptionPayload;
  /** Which record times count (default: CloudWatch's acceptance window around `now()`). */
  recordTimes?: RecordTimeOptions;
  /** Sees each batch's result before anything is emitted (replay reads why models are unpriced). */
  onBatch?: (result: BatchResult) => void;
}

/** What the handler returns: the batch's record counts (ignored by Lambda, read by replay and tests). */
export type IngestSummary = RecordCounts & { documents: number };

/** How many rejections one batch logs one by one; the rest are counted only. */
const REJECTIONS_LOGGED_PER_BATCH = 10;

function publishHealth(metrics: Metrics, result: BatchResult): void {
  const { counts } = result;
  metrics.addMetric(HEALTH.recordsReceived, MetricUnit.Count, counts.received);
  metrics.addMetric(HEALTH.recordsAccepted, MetricUnit.Count, counts.accepted);
  metrics.addMetric(HEALTH.duplicateRecords, MetricUnit.Count, counts.duplicates);
  metrics.addMetric(HEALTH.rejectedRecords, MetricUnit.Count, counts.rejected);
  if (result.maxDeliveryLagMs !== undefined) {
    metrics.addMetric(HEALTH.deliveryLag, MetricUnit.Milliseconds, result.maxDeliveryLagMs);
  }
  metrics.publishStoredMetrics();
  // Powertools takes one dimension value per publish: one single-metric document per reason.
  for (const [reason, count] of Object.entries(counts.rejectedByReason)) {
    metrics
      .singleMetric()
      .addDimension(DIM_REASON, reason)
      .addMetric(HEALTH.rejectedRecords, MetricUnit.Count, count);
  }
}

/** The batch's warnings and its summary line, after the emit. */
function logBatch(logger: Logger, result: BatchResult, modelIds: ModelIdLimiter, emitFailures: number): void {
  for (const rejection of result.rejections.slice(0, REJECTIONS_LOGGED_PER_BATCH)) {
    // Reason, ids and field path only: the record body never reaches the logs.
    logger.warn('Log event rejected', { ...rejection });
  }
  for (const { modelId, region, reason } of result.unpricedReasons) {
    logger.warn('Model has no price; its calls are counted in UnpricedInvocations', {
      modelId,
      region,
      reason,
    });
  }
  if (result.newlyFoldedModelIds.length > 0) {
    // Model ids are not prompt text: safe to name, and the operator needs them to raise the cap.
    logger.warn('Model ids beyond maxModelIds are reported as Other', {
      folded: result.newlyFoldedModelIds.slice(0, 20),
      foldedModelIds: modelIds.foldedCount,
      maxModelIds: modelIds.maxIds,
    });
  }
  if (emitFailures > 0) logger.error('EMF documents could not be written', { emitFailures });
  logger.info('Batch processed', { ...result.counts, documents: result.documents.length });
}

/** Writes every document; one the sink refuses is counted, and the others are still written. */
function emitAll(emit: (line: string) => void, documents: readonly string[]): number {
  let failures = 0;
  for (const document of documents) {
    try {
      emit(document);
    } catch {
      failures++;
    }
  }
  return failures;
}

/**
 * Builds the ingest handler around its dependencies; `local` only from the local tools. Order
 * matters: decode and process the whole batch first (a failure there throws and Lambda retries a
 * batch of which nothing was counted), then emit, then never throw.
 */
export function createIngestHandler(deps: IngestDependencies, local: LocalRun = {}) {
  const { config, logger, metrics } = deps;
  const modelIds = deps.modelIds ?? new ModelIdLimiter(config.maxModelIds);
  const decode = local.decode ?? decodeLambdaEvent;

  const processBatch = async (event: unknown): Promise<BatchResult> => {
    const payload = decode(event, { maxDecompressedBytes: config.maxDecompressedBytes });
    const nowMs = deps.now();
    const parsed = parseBatch(payload, nowMs, local.recordTimes);
    if (deps.profiles) {
      // Unknown application profiles are looked up before pricing; a failure only leaves them unpriced.
      const modelIds = new Set(parsed.invocations.map((i) => i.modelId));
      const { failed } = await deps.profiles.prepare(applicationProfilesIn(modelIds));
      if (failed.length > 0) logger.warn('Application inference profiles could not be resolved', { failed });
    }
    const result = completeBatch(parsed, {
      nowMs,
      priceTable: deps.priceTable,
      emf: { namespace: config.namespace, service: config.service, metricSet: config.metricSet },
      budgetedValues: config.budgetedValues,
      ...(config.accounts ? { accounts: config.accounts } : {}),
      ...(deps.profiles ? { inferenceProfiles: deps.profiles.profiles } : {}),
      ...(deps.attribution ? { attribution: deps.attribution } : {}),
      modelIds,
    });
    local.onBatch?.(result);
    return result;
  };

  const ingest = async (event: unknown, _context: Context): Promise<IngestSummary> => {
    metrics.captureColdStartMetric();
    let result: BatchResult;
    try {
      result = await processBatch(event);
    } catch (error) {
      if (error instanceof SubscriptionDecodeError) {
        logger.error('Batch could not be decoded; failing the invocation so Lambda retries it', {
          failure: error.failure,
          error,
        });
        metrics.addMetric(HEALTH.batchDecodeFailures, MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
      }
      throw error;
    }

    // From here on nothing may throw: the metrics are out, and a retry would count them twice.
    const emitFailures = emitAll(deps.emit, result.documents);
    try {
      publishHealth(metrics, result);
      logBatch(logger, result, modelIds, emitFailures);
    } catch (error) {
      try {
        logger.error('Reporting after emit failed; not rethrown to avoid double counting', { error });
      } catch {
        // Nothing left to report to.
      }
    }
    return { ...result.counts, documents: result.documents.length };
  };
  return middy(ingest).use(withLambdaContext(logger));
}

/**
 * The ingest handler as deployed, every EMF document (model and health) and log line to a null
 * sink: what `bench` times and `profile-ingest` samples.
 */
import { LineLogger } from '../../cli/common/local-ingest';
import { createIngestHandler } from '../../functions/ingest/ingest';
import { SinkMetrics } from '../../functions/ingest/sink-metrics';
import { createPriceTable, type PriceData } from '../../shared/ingest/5-price';
import { type IngestConfig, loadIngestConfig } from '../../shared/ingest/config';
import priceData from '../../shared/ingest/price-table.json';

/** The ingest configuration the benchmarks use: defaults, errors-only logging. */
export const benchConfig = (): IngestConfig => loadIngestConfig({ POWERTOOLS_LOG_LEVEL: 'ERROR' });

/** A handler on the given clock whose output goes nowhere. */
export function benchHandler(nowMs: number, config: IngestConfig = benchConfig()) {
  const emit = () => undefined;
  const logger = new LineLogger({ serviceName: config.service, logLevel: 'ERROR' }, emit);
  return createIngestHandler({
    config,
    priceTable: createPriceTable(priceData as PriceData),
    now: () => nowMs,
    logger,
    metrics: new SinkMetrics({ namespace: config.namespace, serviceName: config.service, logger }, emit),
    emit,
  });
}

/**
 * Runs one fuzz case through the real ingest handler and lists every broken invariant.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createIngestHandler, type IngestDependencies } from '../../../functions/ingest/handler';
import { SubscriptionDecodeError } from '../../../shared/ingest/1-decode';
import { createPriceTable, type PriceData } from '../../../shared/ingest/5-price';
import { AttributionResolver } from '../../../shared/ingest/6-attribute';
import { loadIngestConfig } from '../../../shared/ingest/config';
import priceData from '../../../shared/ingest/price-table.json';
import { captureWrites } from '../capture';
import { emfProblems } from '../emf-validator';
import { localLambdaContext } from '../lambda-context';
import { CANARY, type FuzzCase } from './arbitraries';

export const INVARIANTS = [
  'the only exception is SubscriptionDecodeError, and only for a broken envelope',
  'a failed batch emits no model metrics',
  'every emitted document is valid EMF within the limits (no NaN, Infinity or negative value)',
  'accepted + rejected + duplicates = events received',
  'every rejection has a reason, and the reasons add up to the rejections',
  'Invocations in the EMF = accepted records, per model and per attribution key (caller, team, tenant)',
  'no canary text (prompt or answer) in stdout, stderr or EMF',
] as const;

/** Replay time for the sample corpus (its records are from 2025-10-20). */
export const FUZZ_NOW = Date.parse('2025-10-20T10:30:00Z');

export interface FuzzRunner {
  check(fuzzCase: FuzzCase): Promise<string[]>;
  maxDecompressedBytes: number;
}

export function createFuzzRunner(logLevel: 'DEBUG' | 'INFO' = 'DEBUG'): FuzzRunner {
  const config = loadIngestConfig({ BEDROCK_WATCH_MAX_DECOMPRESSED_BYTES: String(24 * 1024 * 1024) });
  const deps: IngestDependencies = {
    config,
    priceTable: createPriceTable(priceData as PriceData),
    now: () => FUZZ_NOW,
    // The most verbose level: privacy must hold even there.
    logger: new Logger({ serviceName: config.service, logLevel }),
    metrics: new Metrics({ namespace: config.namespace, serviceName: config.service }),
    emit: (line) => process.stdout.write(`${line}\n`),
    // Attribution on, with a small cap: hostile metadata must not break the EMF either.
    attribution: new AttributionResolver({ keys: ['caller', 'team', 'tenant'], maxValues: 5, allow: {} }),
  };
  const handler = createIngestHandler(deps);
  const context = localLambdaContext('bedrock-watch-fuzz', 'fuzz');
  return {
    maxDecompressedBytes: config.maxDecompressedBytes,
    async check(fuzzCase) {
      const problems: string[] = [];
      const { result, error, stdout, stderr } = await captureWrites(() => handler(fuzzCase.event, context));
      const lines = stdout.split('\n').filter(Boolean);
      const emf = lines.filter((l) => l.includes('"_aws"'));
      const docs = emf.map((l) => JSON.parse(l) as Record<string, unknown>);
      const sets = (d: Record<string, unknown>) =>
        (
          (d._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]?.Dimensions ??
          []
        ).map((s) => s.join(','));
      // Model documents feed [service, ModelId] and [service]; attribution ones [service, Dim] and [service, Dim, ModelId].
      const modelDocs = docs.filter((d) => typeof d.ModelId === 'string' && sets(d).includes('service'));
      const attributionDocs = docs.filter(
        (d) => typeof d.ModelId === 'string' && !sets(d).includes('service'),
      );
      if (error !== undefined) {
        if (!(error instanceof SubscriptionDecodeError)) problems.push(`threw ${String(error)}`);
        else if (!fuzzCase.broken) problems.push(`a well-formed ${fuzzCase.kind} threw ${error.failure}`);
        if (modelDocs.length > 0) problems.push('a failed batch emitted model metrics');
      } else {
        if (fuzzCase.broken) problems.push(`a broken ${fuzzCase.kind} was accepted`);
        const counts = result as NonNullable<typeof result>;
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
          if (
            !/^(not-json|not-invocation-record|invalid-log-event|outside-time-window|invalid-field:[A-Za-z.]+)$/.test(
              reason,
            )
          ) {
            problems.push(`unexpected rejection reason ${reason}`);
          }
        }
        const invocations = modelDocs.reduce(
          (a, d) => a + (typeof d.Invocations === 'number' ? d.Invocations : 0),
          0,
        );
        if (invocations !== counts.accepted)
          problems.push(`EMF counts ${invocations} invocations, ${counts.accepted} accepted`);
        for (const dim of ['Caller', 'team', 'tenant']) {
          const attributed = attributionDocs
            .filter((d) => typeof d[dim] === 'string')
            .reduce((a, d) => a + (typeof d.Invocations === 'number' ? d.Invocations : 0), 0);
          if (attributed !== counts.accepted) {
            problems.push(`${dim} attribution counts ${attributed} invocations, ${counts.accepted} accepted`);
          }
        }
      }
      for (const line of emf) for (const p of emfProblems(line)) problems.push(`EMF: ${p}`);
      const everything = stdout + stderr;
      if (everything.includes(CANARY)) problems.push('canary text reached the output');
      return problems;
    },
  };
}

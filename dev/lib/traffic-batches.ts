/**
 * A scenario's traffic as the simulator's input, generated minute by minute and never written down:
 * the same records in the same order as `generateTraffic` (each minute's calls sorted by time, as
 * the whole sorted list would have them), cut into subscription batches as a file of them would be.
 * A week at 1,000 calls a minute is 10 million records; this is how it is simulated without a fixture.
 */
import { LineBatcher, type ReplayBatch, recordTimeOf } from '../../cli/input/shapes';
import { SUBSCRIPTION_BATCH_SPAN_MS } from '../../cli/simulate/run';
import { CallSource, recordOf, type TrafficSpec } from './scenario-traffic';

/**
 * Batches of the spec's records, one minute generated at a time.
 * @throws Error for a spec with isolated failures (they are numbered after the whole traffic).
 */
export function* trafficBatches(spec: TrafficSpec, source = 'generated'): Generator<ReplayBatch> {
  if ((spec.isolatedFailures ?? []).length > 0)
    throw new Error('isolated failures are placed after the whole traffic: write the scenario to a file');
  const ready: ReplayBatch[] = [];
  const batcher = new LineBatcher(source, (b) => ready.push(b), {
    maxBatchSpanMs: SUBSCRIPTION_BATCH_SPAN_MS,
    timeOf: recordTimeOf,
  });
  const calls = new CallSource(spec);
  let line = 0;
  for (let minute = 0; minute < spec.minutes; minute++) {
    // A stable sort: calls of the same second keep their generation order, as in generateTraffic.
    for (const call of calls.minute(minute).sort((a, b) => a.timeMs - b.timeMs))
      batcher.push(recordOf(call), `${source}:${++line}`);
    yield* ready.splice(0);
  }
  batcher.flush();
  yield* ready.splice(0);
}

/**
 * The bench's Kinesis part: the measurement (bench-kinesis.ts), the plan built from it
 * (bench-capacity.ts), its `--json` figures and its lines of the report.
 */
import {
  CAPACITY_VOLUMES,
  capacityPlan,
  KINESIS_LIMITS,
  KINESIS_PRICES,
  kinesisLines,
  PEAK_OVER_MEAN,
} from './bench-capacity';
import { measureKinesis } from './bench-kinesis';

export async function measureKinesisPart(
  rounds: number,
): Promise<{ result: Record<string, unknown>; lines: string[] }> {
  const measurement = await measureKinesis(rounds, Date.now());
  const plan = capacityPlan(measurement);
  const { batched } = measurement.shapes;
  return {
    result: {
      settings: measurement.settings,
      // The headline figures: the batched shape, many calls per Kinesis record.
      logEventsPerSecond: batched.logEventsPerSecond,
      kinesisRecordsPerSecond: batched.kinesisRecordsPerSecond,
      shapes: measurement.shapes,
      capacityPlan: { volumes: CAPACITY_VOLUMES, peakOverMean: PEAK_OVER_MEAN, rows: plan },
      limits: KINESIS_LIMITS,
      prices: KINESIS_PRICES,
    },
    lines: kinesisLines(measurement, plan),
  };
}

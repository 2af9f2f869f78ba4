/**
 * A stand-in for CloudWatch's anomaly-detection band. CloudWatch's model (trend plus hourly, daily
 * and weekly seasonality, trained on up to two weeks) is not public, so no local tool can match it.
 * This one is simple and stated: the band is the mean ± width × standard deviation of the metric's
 * datapoints over the `trainingHours` before the evaluation range, and it exists only once at least
 * `minTrainingHours` of datapoints are there (until then the alarm stays INSUFFICIENT_DATA, as a
 * new anomaly model does). Alarms that use it are reported as approximate.
 */
import type { Series } from './metric-math';

export interface AnomalyModel {
  trainingHours: number;
  minTrainingHours: number;
}

export const DEFAULT_ANOMALY_MODEL: AnomalyModel = { trainingHours: 24, minTrainingHours: 12 };

/**
 * The band for every period of an evaluation range (undefined while the model lacks training).
 * @param read the metric's datapoint for the period starting at a time, as visible now
 */
export function trailingBand(
  model: AnomalyModel,
  read: (startMs: number) => number | undefined,
  startsMs: readonly number[],
  periodMs: number,
  width: number,
): { lower: Series; upper: Series } {
  const first = startsMs[0] ?? 0;
  const periods = Math.floor((model.trainingHours * 3_600_000) / periodMs);
  const training: number[] = [];
  for (let j = 1; j <= periods; j++) {
    const v = read(first - j * periodMs);
    if (v !== undefined) training.push(v);
  }
  const needed = Math.ceil((model.minTrainingHours * 3_600_000) / periodMs);
  if (training.length < needed) {
    const none = startsMs.map(() => undefined);
    return { lower: none, upper: [...none] };
  }
  const mean = training.reduce((a, b) => a + b, 0) / training.length;
  const variance = training.reduce((a, b) => a + (b - mean) ** 2, 0) / training.length;
  // A flat history would give a zero-width band that any wobble leaves; keep 1 % of the mean.
  const spread = Math.max(Math.sqrt(variance), Math.abs(mean) * 0.01);
  return {
    lower: startsMs.map(() => mean - width * spread),
    upper: startsMs.map(() => mean + width * spread),
  };
}

import { Metrics } from '@aws-lambda-powertools/metrics';

type MetricsOptions = NonNullable<ConstructorParameters<typeof Metrics>[0]>;

/**
 * Powertools Metrics that publishes each EMF document through `emit`, where the handler writes its
 * model documents, instead of through its own console on stdout (which no option redirects). Each
 * document is serialised by Powertools as before; only where the line goes changes, so Lambda,
 * replay and the simulator see the health metrics on the same sink as the model metrics.
 */
export class SinkMetrics extends Metrics {
  readonly #emit: (line: string) => void;
  readonly #options: MetricsOptions;

  constructor(options: MetricsOptions, emit: (line: string) => void) {
    super(options);
    this.#options = options;
    this.#emit = emit;
  }

  /** As Powertools publishes (nothing when empty or disabled; the store is cleared either way). */
  override publishStoredMetrics(): this {
    try {
      if (this.hasStoredMetrics() && !this.isDisabled()) this.#emit(JSON.stringify(this.serializeMetrics()));
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }

  /** A single-metric instance on the same sink (the cold-start metric and per-reason documents use it). */
  override singleMetric(): Metrics {
    return new SinkMetrics({ ...this.#options, singleMetric: true }, this.#emit);
  }
}

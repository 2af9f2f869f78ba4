/**
 * The ingest function's dependencies as the local tools (replay, the simulator, fuzz, bench) build
 * them: the same settings the function reads, with the tool's clock and sinks instead of stdout, and
 * the log level passed in rather than written into `process.env`.
 */
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions, LogLevel } from '@aws-lambda-powertools/logger/types';
import type { IngestDependencies } from '../../functions/ingest/ingest';
import { loadIngestSettings } from '../../functions/ingest/settings';
import { SinkMetrics } from '../../functions/ingest/sink-metrics';

const toStderr = (line: string) => {
  process.stderr.write(`${line}\n`);
};

/** Powertools' Logger writing each JSON log line to `write` instead of its console on stdout and stderr. */
export class LineLogger extends Logger {
  constructor(
    options: ConstructorOptions,
    private readonly write: (line: string) => void,
  ) {
    super(options);
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    // Set once the constructor has returned; Powertools could log from inside it.
    (this.write ?? toStderr)(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new LineLogger(options ?? {}, this.write);
  }
}

export interface LocalSinks {
  /** Every model EMF document and attribution line the handler writes. */
  emit: (line: string) => void;
  /** The health EMF documents (Powertools Metrics); default `emit`, as in Lambda. */
  emitHealth?: (line: string) => void;
  /** The handler's log lines. */
  writeLog: (line: string) => void;
  /** Powertools' log level (default ERROR: per-record warnings would drown a report). */
  logLevel?: string;
  now: () => number;
}

/**
 * The function's dependencies for a local run, from settings as the function reads them.
 * @throws ConfigError for a bad setting.
 */
export function localIngestDependencies(
  env: Readonly<Record<string, string | undefined>>,
  sinks: LocalSinks,
): IngestDependencies {
  const settings = loadIngestSettings(env);
  const { namespace, service } = settings.config;
  const logger = new LineLogger(
    { serviceName: service, logLevel: (sinks.logLevel ?? 'ERROR') as LogLevel },
    sinks.writeLog,
  );
  return {
    ...settings,
    now: sinks.now,
    logger,
    metrics: new SinkMetrics({ namespace, serviceName: service, logger }, sinks.emitHealth ?? sinks.emit),
    emit: sinks.emit,
  };
}

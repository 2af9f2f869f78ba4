/**
 * Alarm simulator CLI: which of the stack's alarms would have fired on these invocation logs, when
 * and why. Usage: npm run -s simulate -- --help
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/ingest/config';
import { parseStackParameters, StackParameterError } from '../shared/monitoring/parameters';
import { runCli } from './lib/cli';
import { DEFAULT_SAMPLE_DIR } from './lib/replay';
import { ReplayInputError } from './lib/replay-input';
import { DEFAULT_DELIVERY_LAG_SECONDS, runSimulation } from './lib/simulate';
import { formatSimulation, simulationJson } from './lib/simulate-format';

const USAGE = `usage: npm run -s simulate -- [--json] [--param name=value]... [--config FILE]
                               [--delivery-lag SECONDS] [--until ISO-TIME] [PATH ...]

Replays invocation logs through the ingest function and evaluates the alarms the stack would deploy
for the given parameters, minute by minute, as CloudWatch does.

  PATH                  files or folders, as for replay (default: events/sample-set)
  --param name=value    a stack parameter, exactly as for serverless package/deploy (repeatable)
  --config FILE         the function's configuration document, as for replay
  --delivery-lag S      seconds from a record to its datapoint being visible to alarms (default ${DEFAULT_DELIVERY_LAG_SECONDS})
  --until ISO-TIME      evaluate until then (default: the last record + 30 minutes)
  --json                one JSON document instead of the timeline
  -h, --help            this text

example: npm run -s simulate -- --param watchedModels=amazon.nova-lite-v1:0 events/scenarios/error-burst
exit: 0 it ran (alarms in ALARM are results), 1 a batch could not be decoded, 2 bad input or flags`;

function fail(message: string): number {
  process.stderr.write(`simulate: ${message}\n`);
  return 2;
}

/** `name=value` pairs into the raw parameters the stack parser takes. */
function rawParams(pairs: readonly string[]): Record<string, string> | string {
  const raw: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `--param "${pair}": expected name=value`;
    raw[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return raw;
}

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<
    typeof parseArgs<{
      options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
      allowPositionals: true;
    }>
  >;
  try {
    args = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        param: { type: 'string', multiple: true },
        config: { type: 'string' },
        'delivery-lag': { type: 'string' },
        until: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  const v = args.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const raw = rawParams((v.param as string[] | undefined) ?? []);
  if (typeof raw === 'string') return fail(raw);
  let lag = DEFAULT_DELIVERY_LAG_SECONDS;
  if (typeof v['delivery-lag'] === 'string') {
    lag = Number(v['delivery-lag']);
    if (!/^\d+(\.\d+)?$/.test(v['delivery-lag']) || !Number.isFinite(lag))
      return fail(`--delivery-lag: "${v['delivery-lag']}" is not a number of seconds`);
  }
  let untilMs: number | undefined;
  if (typeof v.until === 'string') {
    untilMs = /^\d{4}-\d{2}-\d{2}T/.test(v.until) ? Date.parse(v.until) : Number.NaN;
    if (!Number.isFinite(untilMs))
      return fail(`--until: "${v.until}" is not an ISO-8601 time such as 2025-10-20T12:00:00Z`);
  }
  try {
    const result = await runSimulation({
      paths: args.positionals.length > 0 ? args.positionals : [DEFAULT_SAMPLE_DIR],
      params: parseStackParameters(raw),
      deliveryLagSeconds: lag,
      ...(untilMs !== undefined ? { untilMs } : {}),
      ...(typeof v.config === 'string' ? { configPath: v.config } : {}),
    });
    process.stdout.write(
      v.json ? `${JSON.stringify(simulationJson(result), null, 2)}\n` : formatSimulation(result),
    );
    return result.batches.failed > 0 ? 1 : 0;
  } catch (error) {
    if (
      error instanceof StackParameterError ||
      error instanceof ConfigError ||
      error instanceof ReplayInputError
    )
      return fail(error.message);
    throw error;
  }
}

runCli(import.meta.url, 'simulate', main);

/**
 * The flags the alarm simulator and the dashboard preview share (inputs, stack parameters, the
 * configuration document, delivery lag, end of the evaluation), parsed once for both CLIs.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../../shared/ingest/config';
import {
  parseStackParameters,
  StackParameterError,
  type StackParameters,
} from '../../shared/monitoring/parameters';
import { flagErrorText } from '../common/cli';
import { ReplayInputError } from '../input/sources';
import { DEFAULT_SAMPLE_DIR } from '../replay/run';
import { DEFAULT_DELIVERY_LAG_SECONDS, DEFAULT_STACK, type SimulateOptions } from './run';

export const SIMULATE_FLAGS_USAGE = `  PATH                  files or folders, as for replay (default: events/sample-set)
  --param name=value    a stack parameter, exactly as for serverless package/deploy (repeatable)
  --config FILE         the function's configuration document, as for replay
  --stage NAME          the stack's stage, for alarm and dashboard names (default ${DEFAULT_STACK.stage}, as serverless deploy)
  --delivery-lag S      seconds from a record to its datapoint being visible to alarms (default ${DEFAULT_DELIVERY_LAG_SECONDS})
  --until ISO-TIME      evaluate until then (default: the last record + 30 minutes)`;

type Spec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

export type ParsedFlags =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | {
      kind: 'run';
      simulate: SimulateOptions;
      /** The `--param` pairs as given, for headers. */
      rawParams: Record<string, string>;
      flags: Record<string, string | boolean | string[] | undefined>;
    };

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

function lagOf(value: unknown): number | string {
  if (typeof value !== 'string') return DEFAULT_DELIVERY_LAG_SECONDS;
  return /^\d+(\.\d+)?$/.test(value)
    ? Number(value)
    : `--delivery-lag: "${value}" is not a number of seconds`;
}

/** A stage as serverless accepts it in names (letters, digits, hyphens), or the problem with it. */
function stageOf(value: unknown): { stage: string } | string {
  if (typeof value !== 'string') return { stage: DEFAULT_STACK.stage };
  return /^[A-Za-z0-9-]+$/.test(value)
    ? { stage: value }
    : `--stage: "${value}" is not a stage name (letters, digits and -)`;
}

function untilOf(value: unknown): number | undefined | string {
  if (typeof value !== 'string') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms)
    ? ms
    : `--until: "${value}" is not an ISO-8601 time such as 2025-10-20T12:00:00Z`;
}

/**
 * Parses the shared flags plus a CLI's own.
 * @throws StackParameterError for an unknown parameter name or a bad value (the deploy's message).
 */
export function parseSimulateFlags(argv: string[], own: Record<string, Spec>): ParsedFlags {
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  const options = {
    param: { type: 'string', multiple: true },
    config: { type: 'string' },
    'delivery-lag': { type: 'string' },
    stage: { type: 'string' },
    until: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...own,
  } as const;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true });
  } catch (error) {
    return { kind: 'error', message: flagErrorText(error, options) };
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  const raw = rawParams((v.param as string[] | undefined) ?? []);
  const lag = lagOf(v['delivery-lag']);
  const until = untilOf(v.until);
  const stage = stageOf(v.stage);
  for (const problem of [raw, lag, until, stage])
    if (typeof problem === 'string') return { kind: 'error', message: problem };
  const params: StackParameters = parseStackParameters(raw as Record<string, string>);
  return {
    kind: 'run',
    rawParams: raw as Record<string, string>,
    flags: v,
    simulate: {
      paths: parsed.positionals.length > 0 ? parsed.positionals : [DEFAULT_SAMPLE_DIR],
      params,
      deliveryLagSeconds: lag as number,
      stack: { service: DEFAULT_STACK.service, stage: (stage as { stage: string }).stage },
      ...(typeof until === 'number' ? { untilMs: until } : {}),
      ...(typeof v.config === 'string' ? { configPath: v.config } : {}),
    },
  };
}

/**
 * The body of the simulate and preview CLIs: `--help`, a flag mistake, and a bad parameter,
 * configuration or input each end in one line (exit 0 or 2); anything else is a bug and is rethrown
 * for runCli. `fail` prints `name: message` on stderr and returns 2.
 */
export async function runSimulateCommand(
  name: string,
  usage: string,
  argv: string[],
  own: Record<string, Spec>,
  body: (run: Extract<ParsedFlags, { kind: 'run' }>, fail: (message: string) => number) => Promise<number>,
): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`${name}: ${message}\n`);
    return 2;
  };
  try {
    const parsed = parseSimulateFlags(argv, own);
    if (parsed.kind === 'help') {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (parsed.kind === 'error') return fail(`${parsed.message}\n${usage}`);
    return await body(parsed, fail);
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

/**
 * Alarm simulator CLI: which of the stack's alarms would have fired on these invocation logs, when
 * and why. Usage: bedrock-watch simulate --help (from a clone: npm run -s simulate -- --help)
 */

import { runSimulateCommand, SIMULATE_FLAGS_USAGE } from './args';
import { formatSimulation, simulationJson } from './report';
import { runSimulation } from './run';

const USAGE = `usage: bedrock-watch simulate [--json] [--param name=value]... [--config FILE]
                               [--delivery-lag SECONDS] [--until ISO-TIME] [PATH ...]
       (from a clone: npm run -s simulate -- ...)

Replays invocation logs through the ingest function and evaluates the alarms the stack would deploy
for the given parameters, minute by minute, as CloudWatch does.

${SIMULATE_FLAGS_USAGE}
  --json                one JSON document instead of the timeline
  -h, --help            this text

example: bedrock-watch simulate --param watchedModels=amazon.nova-lite-v1:0 events/scenarios/error-burst
exit: 0 it ran (alarms in ALARM are results), 1 a batch could not be decoded, 2 bad input or flags`;

export function main(argv: string[]): Promise<number> {
  return runSimulateCommand('simulate', USAGE, argv, { json: { type: 'boolean' } }, async (parsed) => {
    const result = await runSimulation(parsed.simulate);
    process.stdout.write(
      parsed.flags.json ? `${JSON.stringify(simulationJson(result), null, 2)}\n` : formatSimulation(result),
    );
    return result.batches.failed > 0 ? 1 : 0;
  });
}

/**
 * Alarm simulator CLI: which of the stack's alarms would have fired on these invocation logs, when
 * and why. Usage: bedrock-watch simulate --help (from a clone: npm run -s simulate -- --help)
 */

import { runSimulateCommand, SIMULATE_FLAGS_USAGE } from './args';
import { breachTimes } from './breach';
import { formatSimulation, simulationJson } from './report';
import { previewRouting } from './routing';
import { runSimulation } from './run';
import { modelsInInput, watchedModelWarnings } from './watched-models';

const USAGE = `usage: bedrock-watch simulate [--json] [--param name=value]... [--config FILE]
                               [--stage NAME] [--delivery-lag SECONDS] [--until ISO-TIME] [PATH ...]
       (from a clone: npm run -s simulate -- ...)

Replays invocation logs through the ingest function and evaluates the alarms the stack would deploy
for the given parameters, minute by minute, as CloudWatch does; each ALARM says how many minutes after
its metric first breached it came. With alertTargets (and escalationPolicy, warningPolicy) the deployed
notifier's own code runs on the transitions: one incident per cause, each message (trigger, escalate,
resolve) per destination at its minute, and pages per destination per day (docs/simulate-routing.md).
Watched models the input never mentions are warned about on stderr (and in --json "warnings").

${SIMULATE_FLAGS_USAGE}
  --json                one JSON document instead of the timeline
  -h, --help            this text

example: bedrock-watch simulate --param watchedModels=amazon.nova-lite-v1:0 events/scenarios/error-burst
exit: 0 it ran (alarms in ALARM are results), 1 a batch could not be decoded, 2 bad input or flags`;

export function main(argv: string[]): Promise<number> {
  return runSimulateCommand('simulate', USAGE, argv, { json: { type: 'boolean' } }, async (parsed) => {
    const { params } = parsed.simulate;
    const result = await runSimulation(parsed.simulate);
    const warnings = watchedModelWarnings(
      params.watchedModels,
      modelsInInput(result.store, params.metricsNamespace),
    );
    for (const w of warnings) process.stderr.write(`simulate: warning: ${w}\n`);
    const breaches = breachTimes(result, params);
    const extras = { warnings, breaches, routing: await previewRouting(result, params, breaches) };
    process.stdout.write(
      parsed.flags.json
        ? `${JSON.stringify(simulationJson(result, extras), null, 2)}\n`
        : formatSimulation(result, extras),
    );
    return result.batches.failed > 0 ? 1 : 0;
  });
}

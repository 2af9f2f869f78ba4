/**
 * `bedrock-watch alerts`: the deployed alert routing, from the command line. One subcommand, `test`.
 * Usage: bedrock-watch alerts --help
 */
import { hostname, userInfo } from 'node:os';
import { parseCli } from '../common/cli';

const USAGE = `usage: bedrock-watch alerts test [--target NAME] [--stage STAGE] [--region REGION] [--service NAME] [--json]

Sends a clearly marked test notification ("TEST — bedrock-watch test alert, no action needed")
through the deployed notifier to every destination of alertTargets, or only to --target, and prints
each destination's answer (its HTTP status, or why it was not sent). PagerDuty and Opsgenie get it
with severity info and resolved at once; it is never escalated and never stored. It invokes the
function <service>-<stage>-notifier with your AWS credentials: they need lambda:InvokeFunction on it.

  --target NAME     only this destination (a name from the alertTargets parameter)
  --stage STAGE     the stage the stack was deployed with (default dev, as serverless deploy)
  --region REGION   its region (default: AWS_REGION, else your AWS profile's region)
  --service NAME    the service name in serverless.yml (default bedrock-watch)
  --json            the notifier's answer as one JSON document
  -h, --help        this text

example: bedrock-watch alerts test --stage prod --region eu-west-1 --target pagerduty
exit: 0 every destination accepted it, 1 some did not or the notifier could not be invoked, 2 bad flags or an unknown --target`;

function fail(message: string): number {
  process.stderr.write(`alerts: ${message}\n(alerts --help lists the flags)\n`);
  return 2;
}

function requester(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCli(
    'alerts',
    USAGE,
    argv,
    {
      target: { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      service: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (typeof parsed === 'number') return parsed;
  const [command, ...extra] = parsed.positionals;
  if (command !== 'test' || extra.length > 0) return fail('expected the command "test"');
  const v = parsed.values;
  const target = typeof v.target === 'string' ? v.target : null;
  if (target !== null && !/^[a-z][a-z0-9-]{0,31}$/.test(target))
    return fail(`--target "${target}" is not a destination name (lower case letters, digits and -)`);
  const stage = typeof v.stage === 'string' ? v.stage : 'dev';
  const service = typeof v.service === 'string' ? v.service : 'bedrock-watch';
  const region =
    typeof v.region === 'string' ? v.region : (process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION);
  // The SDK is loaded only for this command: the other commands never call AWS Lambda.
  const [{ LambdaClient }, { alertsTest, notifierFunctionName }] = await Promise.all([
    import('@aws-sdk/client-lambda'),
    import('./test'),
  ]);
  const outcome = await alertsTest(
    {
      functionName: notifierFunctionName(service, stage),
      region,
      target,
      requestedBy: requester(),
      json: v.json === true,
    },
    new LambdaClient(region ? { region } : {}),
  );
  process.stdout.write(outcome.stdout);
  process.stderr.write(outcome.stderr);
  return outcome.code;
}

/**
 * Writes the two templates an organization monitor needs besides the central stack
 * (docs/organization.md): the member template a StackSet deploys to every account, and the
 * destination template for each source region other than the central stack's own.
 */
import { writeFileSync } from 'node:fs';
import { parseCli, runCli } from '../cli/common/cli';
import { MemberTemplateError, memberTemplate } from '../deploy/member/template';
import { ingestNames } from '../deploy/stack/names';
import { regionalDestinationTemplate } from '../deploy/stack/organization';
import { parseStackParameters, StackParameterError } from '../shared/monitoring/parameters';

const USAGE = `usage: npm run -s organization-template -- member --central-account ID [options]
       npm run -s organization-template -- destination --organization-id o-… --central-region REGION [options]

member       the template a service-managed StackSet deploys to the member accounts: invocation log
             group, Bedrock's logging role, the inline custom resource that sets the logging, and the
             subscription filter to the central account's destination of the stack's region
destination  one Logs destination, for a region in sourceRegions, in the central account

  --central-account ID     the account that runs the central stack (member)
  --organization-id ID     the organization, as the central stack's organizationId (destination)
  --central-region REGION  the region of the central stack and its stream (destination)
  --service NAME           the central stack's service (default bedrock-watch)
  --stage NAME             the central stack's stage (default dev)
  --param NAME=VALUE       member only: invocationLogGroupName, invocationLogRetentionDays or
                           invocationText (repeatable; defaults as the central stack's)
  --out FILE               write there instead of standard output
  -h, --help               this text

example: npm run -s organization-template -- member --central-account 111122223333 --stage prod --out member.json`;

const MEMBER_PARAMS = ['invocationLogGroupName', 'invocationLogRetentionDays', 'invocationText'];

function memberParams(given: string[]) {
  const raw: Record<string, string> = {};
  for (const entry of given) {
    const [name = '', ...value] = entry.split('=');
    if (!MEMBER_PARAMS.includes(name))
      throw new StackParameterError(
        `--param ${name}: a member template takes only ${MEMBER_PARAMS.join(', ')}`,
      );
    raw[name] = value.join('=');
  }
  return parseStackParameters(raw);
}

function build(kind: string, values: Record<string, unknown>): unknown {
  const ctx = { service: String(values.service ?? 'bedrock-watch'), stage: String(values.stage ?? 'dev') };
  if (kind === 'member')
    return memberTemplate({
      centralAccount: String(values['central-account'] ?? ''),
      ctx,
      params: memberParams((values.param as string[] | undefined) ?? []),
    });
  const organizationId = String(values['organization-id'] ?? '');
  const region = String(values['central-region'] ?? '');
  // The central stack's own checks: a well-formed organization id and region.
  parseStackParameters({ organizationId, ingestMode: 'kinesis', sourceRegions: region });
  if (organizationId === '' || region === '')
    throw new StackParameterError('destination needs --organization-id and --central-region');
  return regionalDestinationTemplate(organizationId, region, ingestNames(ctx));
}

function main(argv: string[]): number {
  const args = parseCli(
    'organization-template',
    USAGE,
    argv,
    {
      'central-account': { type: 'string' },
      'organization-id': { type: 'string' },
      'central-region': { type: 'string' },
      service: { type: 'string' },
      stage: { type: 'string' },
      param: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
    true,
  );
  if (typeof args === 'number') return args;
  const kind = args.positionals[0];
  if (args.positionals.length !== 1 || (kind !== 'member' && kind !== 'destination')) {
    process.stderr.write('organization-template: say member or destination (--help)\n');
    return 2;
  }
  let template: unknown;
  try {
    template = build(kind, args.values);
  } catch (error) {
    if (!(error instanceof StackParameterError || error instanceof MemberTemplateError)) throw error;
    process.stderr.write(`organization-template: ${error.message}\n`);
    return 2;
  }
  const text = `${JSON.stringify(template, null, 2)}\n`;
  if (typeof args.values.out === 'string') writeFileSync(args.values.out, text);
  else process.stdout.write(text);
  return 0;
}

runCli(import.meta.url, 'organization-template', main);

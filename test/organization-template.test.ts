import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cfnLint,
  packageFailure,
  packageTemplate,
  resourcesOfType,
  type Template,
} from './support/stack-helpers';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const ORG = 'o-a1b2c3d4e5';
const CENTRAL_PARAMS = { organizationId: ORG, ingestMode: 'kinesis', sourceRegions: 'eu-west-1,us-west-2' };

/** `npm run -s organization-template -- ...args`, its output parsed. */
async function organizationTemplate(...args: string[]): Promise<Template> {
  const { stdout } = await run('npx', ['tsx', 'dev/organization-template.ts', ...args], { cwd: ROOT });
  return JSON.parse(stdout);
}

let central: Template;
let member: Template;
let destination: Template;

beforeAll(async () => {
  central = (await packageTemplate(CENTRAL_PARAMS)).template;
  member = await organizationTemplate('member', '--central-account', '111122223333', '--stage', 'dev');
  destination = await organizationTemplate(
    'destination',
    '--organization-id',
    ORG,
    '--central-region',
    'us-east-1',
  );
}, 120_000);

describe('the organization templates, packaged offline (issue 23, item 2)', () => {
  it('are cfn-lint clean: the central stack with organizationId, the member and the regional destination', async () => {
    const { linter, problems } = await cfnLint([central, member, destination]);

    expect(linter).toMatch(/cfn-lint/);
    expect(problems).toEqual([]);
  });

  it("the central stack's destination delivers to its own stream", () => {
    const [[, dest] = []] = resourcesOfType(central, 'AWS::Logs::Destination');

    expect(dest?.Properties.TargetArn['Fn::Sub']).toBe(
      `arn:\${AWS::Partition}:kinesis:\${AWS::Region}:\${AWS::AccountId}:stream/${central.Resources.IngestStream?.Properties.Name}`,
    );
    expect(resourcesOfType(destination, 'AWS::Logs::Destination')).toHaveLength(1);
  });

  it('the member template written by the script is the one the stack code builds, with only inline code', () => {
    const functions = resourcesOfType(member, 'AWS::Lambda::Function');

    expect(functions).toHaveLength(1);
    expect(Object.keys(functions[0]?.[1].Properties.Code ?? {})).toEqual(['ZipFile']);
    expect(JSON.stringify(member)).not.toMatch(/S3Bucket|S3Key|ServerlessDeploymentBucket/);
  });

  it('refuses organizationId without Kinesis mode while packaging, in one line', async () => {
    const result = await packageFailure({ organizationId: ORG });

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'bedrock-watch: organizationId: member accounts send through Logs destinations, which deliver only to Kinesis: add ingestMode=kinesis (parameters: docs/deploy.md#parameters)',
    ]);
  }, 60_000);

  it('the script refuses a central account that is not an account id, in one line', async () => {
    const failure = await run(
      'npx',
      ['tsx', 'dev/organization-template.ts', 'member', '--central-account', '12'],
      {
        cwd: ROOT,
      },
    ).catch((error: { code: number; stderr: string }) => error);

    expect(failure).toMatchObject({
      code: 2,
      stderr: 'organization-template: --central-account: "12" is not a 12-digit account id\n',
    });
  });

  it('the docs show the commands the script takes', () => {
    const docs = readFileSync(join(ROOT, 'docs/organization.md'), 'utf8');

    expect(docs).toContain('npm run -s organization-template -- member --central-account');
    expect(docs).toContain('npm run -s organization-template -- destination --organization-id');
  });
});

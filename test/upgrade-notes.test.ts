import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withStackDefaults } from '../deploy/given-parameters';
import { ingestNames } from '../deploy/stack/names';
import { dashboardName } from '../shared/monitoring/dashboards/names';

const ROOT = join(import.meta.dirname, '..');
const deployDoc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
const serverlessYml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');

/** The text of one `## ` section of docs/deploy.md. */
function section(title: string): string {
  const start = deployDoc.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/deploy.md has no section "${title}"`);
  const end = deployDoc.indexOf('\n## ', start + 1);
  return deployDoc.slice(start, end < 0 ? undefined : end);
}

describe('the upgrade notes in docs/deploy.md (issue 25, item 6)', () => {
  const notes = section('Upgrading from an earlier release');
  const placeholder = { service: 'bedrock-watch', stage: '<stage>' };

  it('name the default stage serverless.yml really has', () => {
    const stage = /stage: \$\{opt:stage, '([^']+)'\}/.exec(serverlessYml)?.[1];

    expect(stage).toBe('dev');
    expect(notes).toContain(`The default stage is \`${stage}\`, no longer \`prod\``);
  });

  it('name the Kinesis stream, the service default and the dashboard names the stack builds', () => {
    expect(notes).toContain(`\`${ingestNames(placeholder).streamName}\``);
    expect(notes).toContain(`\`${withStackDefaults({}, placeholder).serviceName}\``);
    expect(notes).toContain('`--param="serviceName=bedrock-watch"`');
    expect(dashboardName('…', 'operations', '<region>')).toBe('…-operations-<region>');
    expect(notes).toContain('`…-operations-<region>`');
  });
});

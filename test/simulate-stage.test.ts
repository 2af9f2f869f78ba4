/**
 * `--stage` for simulate and preview (#26): without it they name alarms and dashboards as a plain
 * `serverless deploy` does (stage dev), with it as `serverless deploy --stage NAME`, through the
 * deploy's own ingestNames.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPreview } from '../cli/preview/build';
import { parseSimulateFlags } from '../cli/simulate/args';
import { DEFAULT_STACK, runSimulation } from '../cli/simulate/run';
import { buildStack, ingestNames } from '../deploy/stack/index';
import { EVENTS_DIR } from './support/helpers';

const ROOT = join(import.meta.dirname, '..');
const SCENARIO = join(EVENTS_DIR, 'scenarios', 'quiet-night');

function runFlags(argv: string[]) {
  const parsed = parseSimulateFlags(argv, {});
  if (parsed.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(parsed)}`);
  return parsed;
}

const deployedAlarmNames = (stage: string, raw: Record<string, string>) =>
  Object.values(
    buildStack(runFlags(paramFlags(raw)).simulate.params, { service: 'bedrock-watch', stage }).Resources,
  )
    .filter((r) => r.Type.startsWith('AWS::CloudWatch::') && r.Type.endsWith('Alarm'))
    .map((r) => r.Properties?.AlarmName as string)
    .sort();

const paramFlags = (raw: Record<string, string>) =>
  Object.entries(raw).flatMap(([k, v]) => ['--param', `${k}=${v}`]);

describe('simulate and preview --stage', () => {
  it("defaults to serverless.yml's service and default stage", () => {
    const yml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');

    expect(yml).toMatch(new RegExp(`^service: ${DEFAULT_STACK.service}$`, 'm'));
    expect(yml).toMatch(new RegExp(`^ {2}stage: \\$\\{opt:stage, '${DEFAULT_STACK.stage}'\\}$`, 'm'));
    expect(DEFAULT_STACK.stage).toBe('dev');
  });

  it('names every alarm as the packaged default stage does when no --stage is given', async () => {
    const raw = { watchedModels: 'amazon.nova-lite-v1:0' };
    const flags = runFlags([...paramFlags(raw), SCENARIO]);

    const result = await runSimulation(flags.simulate);

    expect(flags.simulate.stack).toEqual({ service: 'bedrock-watch', stage: 'dev' });
    expect(result.names).toEqual(ingestNames({ service: 'bedrock-watch', stage: 'dev' }));
    expect(result.timelines.map((t) => t.definition.name).sort()).toEqual(deployedAlarmNames('dev', raw));
  });

  it('names every alarm as serverless deploy --stage prod does, given --stage prod', async () => {
    const raw = { watchedModels: 'amazon.nova-lite-v1:0' };
    const flags = runFlags(['--stage', 'prod', ...paramFlags(raw), SCENARIO]);

    const result = await runSimulation(flags.simulate);
    const names = result.timelines.map((t) => t.definition.name).sort();

    expect(result.names.namePrefix).toBe('bedrock-watch-prod');
    expect(names).toEqual(deployedAlarmNames('prod', raw));
    expect(names.every((n) => n.startsWith('bedrock-watch-prod-'))).toBe(true);
  });

  it('gives preview dashboards the stage name', async () => {
    const flags = runFlags(['--stage', 'staging', SCENARIO]);

    const page = await buildPreview(flags.simulate, flags.rawParams);

    expect(page.dashboards.length).toBeGreaterThan(0);
    for (const d of page.dashboards) expect(d.name).toMatch(/^bedrock-watch-staging-/);
  });

  it('refuses a stage serverless could not put in a name, in one line', () => {
    const parsed = parseSimulateFlags(['--stage', 'my/stage'], {});

    expect(parsed).toEqual({ kind: 'error', message: expect.stringMatching(/^--stage: "my\/stage"/) });
  });
});

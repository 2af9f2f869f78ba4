import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

export interface Template {
  Resources: Record<
    string,
    { Type: string; Properties: Record<string, any>; DependsOn?: string[]; DeletionPolicy?: string }
  >;
  Outputs: Record<string, { Value: unknown }>;
}

/**
 * serverless-esbuild builds in the repository's .esbuild folder, so two packages at once (test files
 * run in parallel workers) would overwrite each other's bundles: one at a time, across processes.
 */
async function oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(
    tmpdir(),
    `bw-package-lock-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`,
  );
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is older than any package takes.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Runs `serverless package` offline with the given --param values; returns the template. */
export async function packageTemplate(
  params: Record<string, string> = {},
): Promise<{ template: Template; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-stack-'));
  const args = ['package', '--package', dir, ...Object.entries(params).map(([k, v]) => `--param=${k}=${v}`)];
  await oneAtATime(() =>
    run(join(ROOT, 'node_modules', '.bin', 'serverless'), args, {
      cwd: ROOT,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    }),
  );
  return {
    template: JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')),
    dir,
  };
}

export const resourcesOfType = (template: Template, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/**
 * Validates a template offline with cfn-lint 1.9.7, its outdated resource specification replaced
 * by the current one from @aws-cdk/cfnspec (as DEVELOPERS.md prescribes).
 */
export function cfnLint(template: unknown): { valid: boolean; problems: string[] } {
  const require = createRequire(import.meta.url);
  const awsData = require('cfn-lint/lib/awsData.js');
  awsData.awsResources = require('@aws-cdk/cfnspec/spec/specification.json');
  const api = require('cfn-lint/lib/api.js');
  // cfn-lint reports through winston on the console; its verdict is in the returned object.
  const result = api.validateJsonObject(JSON.parse(JSON.stringify(template)), {
    parameters: {},
    pseudoParameters: {},
  });
  const problems = [...result.errors.crit, ...result.errors.warn].map(
    (e: { resource: string; message: string }) => `${e.resource}: ${e.message}`,
  );
  return { valid: result.templateValid && problems.length === 0, problems };
}

/** Every IAM policy statement in the template (roles' inline policies and resource policies). */
export function policyStatements(template: Template): { owner: string; statement: Record<string, any> }[] {
  const out: { owner: string; statement: Record<string, any> }[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const docs: any[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const p of resource.Properties.Policies ?? []) docs.push(p.PolicyDocument);
    } else if (resource.Properties?.PolicyDocument) {
      docs.push(resource.Properties.PolicyDocument);
    }
    for (const doc of docs) for (const statement of doc.Statement ?? []) out.push({ owner: id, statement });
  }
  return out;
}

export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
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

const SERVERLESS = join(ROOT, 'node_modules', '.bin', 'serverless');
const SERVERLESS_ENV = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' };
const paramArgs = (params: Record<string, string>) =>
  Object.entries(params).map(([k, v]) => `--param=${k}=${v}`);

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
  extraArgs: string[] = [],
): Promise<{ template: Template; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-stack-'));
  await oneAtATime(() =>
    run(SERVERLESS, ['package', '--package', dir, ...paramArgs(params), ...extraArgs], {
      cwd: ROOT,
      env: SERVERLESS_ENV,
    }),
  );
  return {
    template: JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')),
    dir,
  };
}

/** Runs `serverless package` expecting it to fail; returns its exit code and what it printed. */
export async function packageFailure(
  params: Record<string, string>,
  extraArgs: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-stack-'));
  try {
    await oneAtATime(() =>
      run(SERVERLESS, ['package', '--package', dir, ...paramArgs(params), ...extraArgs], {
        cwd: ROOT,
        env: SERVERLESS_ENV,
      }),
    );
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
  throw new Error(`serverless package succeeded with ${JSON.stringify(params)}`);
}

/** Runs any serverless command in the repository, with a deadline so a hang fails instead of blocking. */
export function runServerless(
  args: string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return oneAtATime(() =>
    run(SERVERLESS, args, { cwd: ROOT, env: SERVERLESS_ENV, timeout: timeoutMs, killSignal: 'SIGKILL' }),
  );
}

export const resourcesOfType = (template: Template, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/**
 * AWS's cfn-lint (Python) from PATH, and its version; undefined when it is not installed. npm
 * scripts put node_modules/.bin first on PATH, where the npm package of the same name lives, so
 * those entries are skipped.
 */
async function pythonCfnLint(): Promise<{ bin: string; version: string } | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const bin = join(dir, 'cfn-lint');
    if (!existsSync(bin)) continue;
    try {
      const { stdout } = await run(bin, ['--version']);
      if (/^cfn-lint \d/.test(stdout.trim())) return { bin, version: stdout.trim() };
    } catch {
      // Not runnable (a broken shim): try the next entry.
    }
  }
  return undefined;
}

/**
 * A finding the framework causes, not the stack: osls makes every function depend on its role,
 * which its Role GetAtt already enforces (W3005). Our own resources get no such pass.
 */
const frameworkFinding = (rule: string, path: readonly (string | number)[]) =>
  rule === 'W3005' && /LambdaFunction$/.test(String(path[1])) && path[2] === 'DependsOn';

/**
 * Validates templates offline with the newest cfn-lint available: AWS's cfn-lint (Python, 1.51 on
 * this project's machine images) when it is on PATH, with its current resource schemas; otherwise
 * the npm cfn-lint 1.9.7 with its outdated specification replaced by @aws-cdk/cfnspec's.
 * Errors, warnings and informational findings all count.
 */
export async function cfnLint(
  templates: readonly unknown[],
): Promise<{ linter: string; problems: string[] }> {
  const python = await pythonCfnLint();
  if (!python) return { linter: 'npm cfn-lint 1.9.7', problems: templates.flatMap(npmCfnLint) };
  const dir = mkdtempSync(join(tmpdir(), 'bw-lint-'));
  const files = templates.map((template, i) => {
    const file = join(dir, `template-${i}.json`);
    writeFileSync(file, JSON.stringify(template));
    return file;
  });
  let stdout: string;
  try {
    ({ stdout } = await run(python.bin, ['--format', 'json', ...files], {
      maxBuffer: 64 * 1024 * 1024,
    }));
  } catch (error) {
    // cfn-lint exits non-zero when it finds anything; its findings are still on stdout.
    stdout = (error as { stdout?: string }).stdout ?? '';
    if (!stdout) throw error;
  }
  const findings = JSON.parse(stdout) as {
    Rule: { Id: string };
    Level: string;
    Message: string;
    Filename: string;
    Location: { Path: (string | number)[] };
  }[];
  return {
    linter: python.version,
    problems: findings
      .filter((f) => !frameworkFinding(f.Rule.Id, f.Location.Path))
      .map(
        (f) =>
          `${f.Filename.split('/').pop()} ${f.Level} ${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`,
      ),
  };
}

/** npm cfn-lint 1.9.7, its outdated resource specification replaced by the current one (DEVELOPERS.md). */
function npmCfnLint(template: unknown): string[] {
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
  return result.templateValid ? problems : ['template invalid', ...problems];
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

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { emfProblems } from './emf-validator';
import { fixturePath } from './helpers';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

describe('serverless package', () => {
  it('bundles an ingest function that handles the sample event on Node 20', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bw-package-'));
    await run(join(ROOT, 'node_modules', '.bin', 'serverless'), ['package', '--package', out], {
      cwd: ROOT,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    });
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
    const fn = Object.values(
      template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    ).find((r) => r.Type === 'AWS::Lambda::Function');
    expect(fn?.Properties.Runtime).toBe('nodejs22.x');
    expect(fn?.Properties.Handler).toBe('functions/ingest/handler.handler');
    const zip = join(out, 'bedrock-watch.zip');
    expect(existsSync(zip)).toBe(true);
    // python3 ships on every machine image; unzip may not.
    await run('python3', ['-m', 'zipfile', '-e', zip, join(out, 'code')]);
    const bundle = join(out, 'code', 'functions', 'ingest', 'handler.mjs');
    expect(statSync(bundle).size).toBeLessThan(250 * 1024);
    expect(readFileSync(bundle, 'utf8')).not.toContain('@aws-sdk/');

    // Run the bundle in a fresh Node process, as Lambda would.
    const script = `
      import { readFileSync } from 'node:fs';
      const { handler } = await import(${JSON.stringify(bundle)});
      const event = JSON.parse(readFileSync(${JSON.stringify(fixturePath('subscription-lambda-event.json'))}, 'utf8'));
      const result = await handler(event, { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 });
      process.stderr.write(JSON.stringify(result));`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: out,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    const result = JSON.parse(stderr);
    expect(result.received).toBeGreaterThan(0);
    expect(result.accepted + result.rejected + result.duplicates).toBe(result.received);
    const emf = stdout.split('\n').filter((l) => l.includes('"_aws"'));
    expect(emf.length).toBeGreaterThan(0);
    for (const doc of emf) expect(emfProblems(doc)).toEqual([]);
  }, 120_000);
});

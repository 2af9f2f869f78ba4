/**
 * The published package (#21, item 1): `npm pack` (whose prepack runs `npm run build`), installed with
 * `--omit=dev --offline` and an empty npm cache into an empty folder outside the repository, runs
 * every command from that folder. Nothing may come from the clone: no tsx, no node_modules, no
 * source file, and the default input is the sample set shipped in the package.
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../cli/commands';
import { readPreviewAssets } from '../cli/preview/html';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const SAMPLE = join(ROOT, 'events', 'sample-set', 'traffic-2025-10-20.jsonl');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

let work = '';
let app = '';
let tarball = '';

/**
 * The environment of a user's shell: none of the npm_* variables `npm test` sets for its own run
 * (they would point the nested npm at this repository), an npm cache of its own, and offline.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, npm_config_cache: join(work, 'npm-cache'), npm_config_offline: 'true' };
}

async function sh(cmd: string, args: string[], cwd: string): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `npx bedrock-watch …` from the folder the package is installed in. */
const bedrockWatch = (...args: string[]) => sh('npx', ['--offline', 'bedrock-watch', ...args], app);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bedrock-watch-package-'));
  app = join(work, 'app');
  const packed = await sh('npm', ['pack', '--json', '--pack-destination', work], ROOT);
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as { filename: string }[];
  tarball = join(work, info?.filename ?? '');

  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  const installed = await sh(
    'npm',
    ['install', '--omit=dev', '--offline', '--no-audit', '--no-fund', tarball],
    app,
  );
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed: ${installed.stderr}`);
}, 300_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the bundle, the sample set and the README, and no source', () => {
    const files = readdirSync(join(app, 'node_modules', 'bedrock-watch'), { recursive: true }).map(String);

    expect(files).toContain(join('dist', 'bedrock-watch.mjs'));
    expect(files).toContain(join('events', 'sample-set', 'traffic-2025-10-20.jsonl'));
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('installs with --omit=dev and no registry into a folder holding nothing else', () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));

    expect(installed).toEqual(['bedrock-watch']);
  });

  it('imports nothing at run time but Node built-ins', async () => {
    // esbuild resolves every import the bundle makes; one it cannot resolve fails the build.
    const result = await build({
      entryPoints: [join(app, 'node_modules', 'bedrock-watch', 'dist', 'bedrock-watch.mjs')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports);

    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !isBuiltin(i.path)).map((i) => i.path)).toEqual([]);
  });
});

describe('npx bedrock-watch, installed from the tarball, run from another folder', () => {
  it('--help lists exactly the commands of the table', async () => {
    const { code, stdout } = await bedrockWatch('--help');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: bedrock-watch <command>/);
    const listed = [...stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(COMMANDS));
  });

  it('replay <file> prints the report, and with no path replays the sample set shipped in the package', async () => {
    const report = await bedrockWatch('replay', SAMPLE);
    const byDefault = await bedrockWatch('replay', '--json');
    const named = await bedrockWatch('replay', '--json', join(ROOT, 'events', 'sample-set'));

    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^Records: 2,089 received, 1,974 accepted/);
    expect(report.stdout).toContain('\nCalls and cost\n');
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(JSON.parse(byDefault.stdout).records.total).toBe(2089);
    expect(byDefault.stdout).toBe(named.stdout);
  });

  it('simulate <file> prints the timeline of the alarms', async () => {
    const { code, stdout, stderr } = await bedrockWatch('simulate', SAMPLE);

    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^Window: 2025-10-20T09:00:00Z to .*, evaluated every minute/);
    expect(stdout).toMatch(/^Alarms: \d+ \(\d+ went to ALARM/m);
  });

  it('preview <file> writes one HTML file with uPlot and the chart script inside', async () => {
    const out = join(app, 'preview.html');

    const { code, stdout, stderr } = await bedrockWatch('preview', '--out', out, SAMPLE);

    expect(code, stderr).toBe(0);
    expect(stdout).toContain(`wrote ${out}: `);
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    const assets = readPreviewAssets();
    for (const [name, text] of Object.entries(assets)) expect(html.includes(text), name).toBe(true);
  });

  it('prices --help prints its usage', async () => {
    const { code, stdout } = await bedrockWatch('prices', '--help');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: bedrock-watch prices update/);
  });
});

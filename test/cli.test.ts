/**
 * Every command-line tool (item 3 of #16): `--help` prints the usage with every flag and an
 * example and exits 0; a user mistake is one line and exit 2, never a stack trace.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { userFolder } from '../cli/bin';
import { COMMANDS, type CommandName } from '../cli/commands';
import { closestFlag, counted, flagErrorText } from '../cli/common/cli';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** A user command runs through the bin (`cli/main.ts <command>`), a contributor tool from dev/. */
const entry = (script: string) =>
  script.endsWith('.ts') ? [join(ROOT, 'dev', script)] : [join(ROOT, 'cli', 'main.ts'), script];

async function cli(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [...entry(script), ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The flags each command's usage must list: a command added to COMMANDS without its entry here is a compile error. */
const COMMAND_FLAGS: Record<CommandName, string[]> = {
  replay: ['--json', '--csv', '--wide', '--emf', '--now', '--since', '--until', '--attribute', '--config'],
  simulate: ['--json', '--param', '--config', '--stage', '--delivery-lag', '--until'],
  preview: ['--out', '--open', '--region', '--param', '--config', '--stage', '--delivery-lag', '--until'],
  prices: ['--from', '--dry-run', '--out', '--service-code'],
  advise: ['--json', '--csv', '--since', '--until', '--by', '--check', '--cache-hit-share', '--config'],
  alerts: ['--target', '--stage', '--region', '--service', '--json'],
};

/** Each contributor tool in dev/, its npm script name and the flags its usage must list. */
const DEV_TOOLS: [string, string, string[]][] = [
  [
    'bench.ts',
    'bench',
    [
      '--json',
      '--rounds',
      '--only',
      '--replay-records',
      '--replay-days',
      '--replay-rounds',
      '--month-records',
      '--month-days',
    ],
  ],
  ['bench-simulate.ts', 'bench:simulate', ['--json']],
  ['bench-replay.ts', 'bench:replay', ['--floor']],
  ['fuzz.ts', 'fuzz', ['--runs', '--seed']],
  ['fresh-event.ts', 'fresh-event', ['--out', '--now']],
  ['generate-samples.ts', 'generate-samples', []],
  ['generate-scenarios.ts', 'generate-scenarios', []],
  ['measure-memory.ts', 'measure-memory', []],
];

/** Every CLI: the script to run, the start its usage must have, and the flags it must list. */
const CLIS: [string, string, string[]][] = [
  ...(Object.keys(COMMANDS) as CommandName[]).map((name): [string, string, string[]] => [
    name,
    `bedrock-watch ${name}`,
    COMMAND_FLAGS[name],
  ]),
  ...DEV_TOOLS.map(([script, name, flags]): [string, string, string[]] => [
    script,
    `npm run -s ${name}`,
    flags,
  ]),
];

describe('every CLI', () => {
  it.each(CLIS)(
    '%s --help prints its usage, every flag and an example, and exits 0',
    async (script, usage, flags) => {
      const { code, stdout } = await cli(script, ['--help']);

      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^usage: ${usage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`));
      for (const flag of [...flags, '--help']) expect(stdout, flag).toContain(flag);
      expect(stdout).toMatch(/example/);
    },
  );

  it.each(CLIS)(
    '%s with an unknown flag says so in one line and exits 2, without a stack trace',
    async (script) => {
      const { code, stderr } = await cli(script, ['--no-such-flag']);

      expect(code).toBe(2);
      expect(stderr).toContain('--no-such-flag');
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it("the README's command table lists exactly the commands of cli/commands.ts, with their summaries", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `bedrock-watch (\S+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]);

    expect(rows).toEqual(Object.entries(COMMANDS).map(([name, { summary }]) => [name, summary]));
  });
});

describe('a CLI given a path that does not exist', () => {
  it.each([
    ['replay', ['/no/such/file.jsonl']],
    ['simulate', ['/no/such/file.jsonl']],
    ['bench-replay.ts', ['/no/such/file.jsonl']],
  ])('%s says so in one line and exits 2', async (script, args) => {
    const { code, stderr } = await cli(script, args);

    expect(code).toBe(2);
    expect(stderr).toMatch(/no\/such\/file\.jsonl/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npx bedrock-watch (the package bin, item 5)', () => {
  const bin = (args: string[]) =>
    run(TSX, [join(ROOT, 'cli', 'main.ts'), ...args], { cwd: ROOT }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  it('runs a command with nothing but its output on stdout, so --json pipes into jq', async () => {
    const { code, stdout } = await bin([
      'replay',
      '--json',
      join(ROOT, 'events', 'fixtures', 'bedrock-invocation-records.jsonl'),
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout).records.total).toBe(9);
  });

  it('lists its commands with --help and refuses an unknown one with exit 2', async () => {
    const help = await bin(['--help']);
    const unknown = await bin(['replya']);

    expect(help.code).toBe(0);
    for (const command of Object.keys(COMMANDS)) expect(help.stdout).toContain(`  ${command} `);
    expect(help.stdout).not.toMatch(/bench|fuzz|generate/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "replya"');
  });
});

describe('a mistyped flag (issue 26)', () => {
  const TYPOS: Record<CommandName, [string, string]> = {
    replay: ['--sinse', '--since'],
    simulate: ['--parm', '--param'],
    preview: ['--otu', '--out'],
    prices: ['--dryrun', '--dry-run'],
    advise: ['--jsno', '--json'],
    alerts: ['--tagret', '--target'],
  };

  it.each(Object.entries(TYPOS))(
    '%s suggests the closest flag of its own table and exits 2',
    async (command, [typo, meant]) => {
      const { code, stderr } = await cli(command, [typo, 'x']);

      expect(code).toBe(2);
      expect(stderr).toContain(`${command}: unknown flag ${typo}; did you mean ${meant}?`);
      expect(stderr).not.toContain('To specify a positional argument');
    },
  );

  it('suggests only a flag that is close, and names a flag given with its value', () => {
    const options = { since: {}, until: {}, json: {}, 'dry-run': {} };
    const unknown = (flag: string) => {
      try {
        parseArgs({ args: [flag], options: { since: { type: 'string' } }, strict: true });
      } catch (error) {
        return flagErrorText(error, options);
      }
      return 'parsed';
    };

    expect(unknown('--untill=2025-10-20')).toBe('unknown flag --untill; did you mean --until?');
    expect(unknown('--sjon')).toBe('unknown flag --sjon; did you mean --json?');
    expect(unknown('--no-such-flag')).toBe('unknown flag --no-such-flag');
    expect(closestFlag('--x', Object.keys(options))).toBeUndefined();
    expect(closestFlag('--dryrun', Object.keys(options))).toBe('dry-run');
  });
});

describe('relative paths under npm run (issue 26)', () => {
  it('resolve against the folder npm was run in (INIT_CWD), not the package root npm starts the script in', async () => {
    const user = mkdtempSync(join(tmpdir(), 'bw-user-'));
    mkdirSync(join(user, 'exported'));
    copyFileSync(
      join(ROOT, 'events', 'fixtures', 'bedrock-invocation-records.jsonl'),
      join(user, 'exported', 'x.jsonl'),
    );

    const { stdout } = await run(
      TSX,
      [join(ROOT, 'cli', 'main.ts'), 'replay', '--json', 'exported/x.jsonl'],
      {
        cwd: ROOT,
        env: { ...process.env, INIT_CWD: user },
      },
    );

    expect(JSON.parse(stdout).records.total).toBe(9);
  });

  it('leave the working folder alone anywhere but the package root', () => {
    expect(userFolder({ INIT_CWD: '/home/u' }, ROOT, ROOT)).toBe('/home/u');
    expect(userFolder({ INIT_CWD: '/home/u' }, '/srv/app', ROOT)).toBeUndefined();
    expect(userFolder({ INIT_CWD: ROOT }, ROOT, ROOT)).toBeUndefined();
    expect(userFolder({}, ROOT, ROOT)).toBeUndefined();
  });
});

describe('counted', () => {
  it('words a count of 1 in the singular, any other count in the plural (no "in 1 batches")', () => {
    expect(counted(1, 'batch', 'batches')).toBe('1 batch');
    expect(counted(0, 'batch', 'batches')).toBe('0 batches');
    expect(counted(1, 'round')).toBe('1 round');
    expect(counted(12_000, 'round')).toBe('12,000 rounds');
  });
});

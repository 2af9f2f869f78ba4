/**
 * `bedrock-watch advise` on the bundled sample set: a report that fits 120 columns, the --json shape
 * docs/advise.md documents, a CSV row per finding, and no prompt or response text anywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/advise/command';
import { captureWrites } from './support/capture';

const SAMPLE = join(import.meta.dirname, '..', 'events', 'sample-set');
const NOW = ['--now', '2026-12-07'];

async function run(args: string[]) {
  const out = await captureWrites(() => main(args));
  return { code: out.result, stdout: out.stdout, stderr: out.stderr };
}

/** Every text the sample set's bodies hold (prompts and answers), at least 12 characters long. */
function bodyTexts(): string[] {
  const texts = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string' && value.length >= 12) texts.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  const text = readFileSync(join(SAMPLE, 'traffic-2025-10-20.jsonl'), 'utf8');
  for (const line of text.split('\n')) {
    try {
      const record = JSON.parse(line) as {
        input?: { inputBodyJson?: unknown };
        output?: { outputBodyJson?: unknown };
      };
      walk(record.input?.inputBodyJson);
      walk(record.output?.outputBodyJson);
    } catch {
      // The permission-check line is not JSON.
    }
  }
  return [...texts];
}

describe('advise on the sample set', () => {
  it('prints a report whose every line fits 120 columns, with findings by basis', async () => {
    const { code, stdout } = await run([SAMPLE, ...NOW]);

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(120);
    expect(stdout).toContain('EXACT: a price rule applied to logged tokens');
    expect(stdout).toContain('legacy-model');
    expect(stdout).toMatch(/extrapolated to 30 days/);
  });

  it('fits 120 columns split by caller too', async () => {
    const { stdout } = await run([SAMPLE, ...NOW, '--by', 'caller']);

    for (const line of stdout.trimEnd().split('\n')) expect([...line].length, line).toBeLessThanOrEqual(120);
    expect(stdout).toContain('caller=');
  });

  it('gives --json as documented: the window, the records, findings and gaps', async () => {
    const { stdout } = await run([SAMPLE, ...NOW, '--json']);
    const doc = JSON.parse(stdout) as {
      window: Record<string, unknown>;
      records: Record<string, number>;
      findings: Record<string, unknown>[];
      gaps: Record<string, unknown>[];
    };

    expect(Object.keys(doc).sort()).toEqual(['findings', 'gaps', 'records', 'window']);
    expect(doc.window).toEqual({
      start: '2025-10-20T09:00:00.000Z',
      end: expect.any(String),
      days: expect.any(Number),
    });
    expect(doc.findings.length).toBeGreaterThan(0);
    const keys = [
      'basis',
      'calls',
      'caveat',
      'check',
      'evidence',
      'formula',
      'monthlyUsd',
      'pricesAsOf',
      'scope',
      'windowUsd',
    ];
    for (const f of doc.findings) {
      expect(
        Object.keys(f)
          .filter((k) => k !== 'flag')
          .sort(),
      ).toEqual(keys);
      expect(['exact', 'upper-bound', 'scenario', 'descriptive']).toContain(f.basis);
    }
    expect(JSON.stringify(doc)).not.toMatch(/"total/i);
  });

  it('gives one CSV row per finding', async () => {
    const json = JSON.parse((await run([SAMPLE, ...NOW, '--json'])).stdout) as { findings: unknown[] };
    const { stdout } = await run([SAMPLE, ...NOW, '--csv']);

    const rows = stdout.trimEnd().split('\n');
    expect(rows[0]).toBe(
      'check,basis,model,region,caller,team,account,calls,windowUsd,monthlyUsd,pricesAsOf,formula,caveat',
    );
    // Formulas and caveats hold no line break, so a row is a line.
    expect(rows).toHaveLength(json.findings.length + 1);
  });

  it('prints no prompt or response text in any format', async () => {
    const texts = bodyTexts();
    expect(texts.length).toBeGreaterThan(20);
    for (const format of [[], ['--json'], ['--csv'], ['--by', 'team']]) {
      const { stdout, stderr } = await run([SAMPLE, ...NOW, ...format]);
      for (const text of texts) {
        expect(stdout.includes(text), text).toBe(false);
        expect(stderr.includes(text), text).toBe(false);
      }
    }
  });
});

describe('advise flags', () => {
  it('--help lists every flag and an example, exit 0', async () => {
    const { code, stdout } = await run(['--help']);

    expect(code).toBe(0);
    for (const flag of [
      '--json',
      '--csv',
      '--since',
      '--until',
      '--by',
      '--check',
      '--cache-hit-share',
      '--sibling-share',
      '--pt-tokens-per-minute',
      '--pt-hourly-usd',
      '--config',
    ])
      expect(stdout, flag).toContain(flag);
    expect(stdout).toMatch(/example/);
  });

  it.each([
    [['--by', 'region']],
    [['--cache-hit-share', '2']],
    [['--check', 'no-such-check']],
    [['--since', '2025-10-21', '--until', '2025-10-20']],
    [['--json', '--csv']],
    [['--no-such-flag']],
  ])('%j is one line on stderr and exit 2', async (args) => {
    const { code, stderr, stdout } = await run([SAMPLE, ...args]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('--since and --until set the window the month is extrapolated from', async () => {
    const { stdout } = await run([
      SAMPLE,
      ...NOW,
      '--json',
      '--since',
      '2025-10-20T09:00:00Z',
      '--until',
      '2025-10-20T10:00:00Z',
    ]);
    const doc = JSON.parse(stdout) as { window: { start: string; end: string; days: number } };

    expect(doc.window).toEqual({
      start: '2025-10-20T09:00:00.000Z',
      end: '2025-10-20T10:00:00.000Z',
      days: 0.041667,
    });
  });
});

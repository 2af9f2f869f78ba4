import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ReplaySummary } from '../shared/analysis/summary';
import { ERROR_CLASSES } from '../shared/contract/error-classes';
import {
  ANSWER_CANARY,
  fixtureLines,
  fixturePath,
  line,
  makeRecord,
  PROMPT_CANARY,
  T0,
} from './support/helpers';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

async function replay(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [join(ROOT, 'cli', 'main.ts'), 'replay', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Replay reading `input` from standard input. */
function replayStdin(
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, 'cli', 'main.ts'), 'replay', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('npm run replay', () => {
  it('replays the bundled sample set into one JSON summary whose parts add up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
    const emfFile = join(dir, 'out.emf');

    const { code, stdout } = await replay(['--json', '--emf', emfFile]);

    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as ReplaySummary;
    const { records, models, totals } = summary;
    expect(records.total).toBeGreaterThan(1500);
    expect(records.accepted + records.duplicates + records.rejected).toBe(records.total);
    expect(records.duplicates).toBeGreaterThan(0);
    expect(Object.keys(records.rejectedByReason).sort()).toEqual([
      'invalid-field:input.inputTokenCount',
      'not-invocation-record',
      'not-json',
    ]);
    expect(summary.batches.failed).toBe(0);
    expect(models.length).toBeGreaterThanOrEqual(6);
    expect(sum(models.map((m) => m.invocations))).toBe(records.accepted);
    expect(totals.invocations).toBe(records.accepted);
    expect(totals.inputTokens).toBe(sum(models.map((m) => m.inputTokens)));
    expect(totals.costUsd).toBeCloseTo(sum(models.map((m) => m.costUsd ?? 0)), 6);
    for (const c of ERROR_CLASSES) expect(totals.errors[c], c).toBeGreaterThan(0);
    expect(totals.cacheReadInputTokens).toBeGreaterThan(0);
    expect(totals.latencyMs.count).toBe(sum(models.map((m) => m.latencyMs.count)));
    expect(totals.timeToFirstTokenMs.count).toBeGreaterThan(0);
    const { p50, p95, p99 } = totals.latencyMs;
    expect(p50 !== null && p95 !== null && p99 !== null && p50 <= p95 && p95 <= p99).toBe(true);
    expect(summary.unpricedModels).toEqual([
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/k2x9v7q4m1ab',
    ]);
    const emf = readFileSync(emfFile, 'utf8').trimEnd().split('\n');
    for (const doc of emf) expect(doc).toBeValidEmf();
    const invocationsInEmf = sum(
      emf
        .map((l) => JSON.parse(l))
        .filter((d) => typeof d.ModelId === 'string')
        .map((d) => d.Invocations ?? 0),
    );
    expect(invocationsInEmf).toBe(records.accepted);
    // The burst minute puts more than 100 latency values into one bucket: split documents.
    const perMinuteModel = new Map<string, number>();
    for (const d of emf.map((l) => JSON.parse(l)).filter((x) => typeof x.ModelId === 'string')) {
      const key = `${d._aws.Timestamp}|${d.ModelId}`;
      perMinuteModel.set(key, (perMinuteModel.get(key) ?? 0) + 1);
    }
    expect(Math.max(...perMinuteModel.values())).toBeGreaterThan(1);
    expect(stdout + readFileSync(emfFile, 'utf8')).not.toMatch(
      /Summarise ticket|Lieferung|SELECT customer_id/,
    );
  });

  it('reports hand-checked figures for the reference samples at a given clock', async () => {
    const { code, stdout } = await replay([
      '--json',
      '--now',
      '2025-06-12T15:00:00Z',
      fixturePath('bedrock-invocation-records.jsonl'),
      fixturePath('subscription-permission-check-decoded.json'),
    ]);

    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as ReplaySummary;
    // The October record is more than 2 h ahead of the June clock.
    expect(summary.records).toEqual({
      total: 10,
      accepted: 8,
      duplicates: 0,
      rejected: 2,
      rejectedByReason: { 'outside-time-window': 1, 'not-json': 1 },
    });
    const haiku = summary.models.find((m) => m.modelId === 'anthropic.claude-3-haiku-20240307-v1:0');
    expect(haiku).toMatchObject({
      invocations: 3,
      errors: { Throttling: 1, Timeout: 0, Validation: 0, Auth: 0, Model: 0, Server: 0 },
      inputTokens: 52,
      outputTokens: 32,
      // (52 × 0.00025 + 32 × 0.00125) / 1000
      costUsd: 0.000053,
      latencyMs: { count: 2, p50: 611, p95: 842, p99: 842 },
      timeToFirstTokenMs: { count: 1, p50: 287, p95: 287, p99: 287 },
    });
    const profile = summary.models.find((m) => m.modelId.includes('application-inference-profile'));
    // Every call unpriced: the cost is unknown (null), not $0, and the report says why (item 4).
    expect(profile).toMatchObject({
      invocations: 1,
      unpricedInvocations: 1,
      costUsd: null,
      costPer1kInvocations: null,
      outputTokens: 28417,
      unpricedReasons: [
        {
          reason: 'application-profile-not-resolved',
          regions: ['us-east-1'],
          fix: expect.stringContaining('inferenceProfiles'),
        },
      ],
    });
    expect(profile?.latencyMs.count).toBe(0);
  });

  it('takes attribution from --attribute and validates --config like the function does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
    writeFileSync(join(dir, 'bad.json'), '{"attribution":{"keys":["Invocations"]}}');

    const { code, stdout } = await replay(['--json', '--attribute', 'caller,team']);
    const bad = await replay(['--config', join(dir, 'bad.json')]);

    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as ReplaySummary;
    expect(Object.keys(summary.attribution)).toEqual(['caller', 'team']);
    expect(summary.attribution.team?.[0]).toMatchObject({
      value: expect.any(String),
      invocations: expect.any(Number),
    });
    expect(summary.totals.costPer1kInvocations).toBeCloseTo(
      (1000 * (summary.totals.costUsd ?? Number.NaN)) / summary.totals.invocations,
      6,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('attribution key "Invocations"');
  });

  it('prints a readable table by default', async () => {
    const { code, stdout } = await replay([
      '--now',
      '2025-06-12T15:00:00Z',
      fixturePath('bedrock-invocation-records.jsonl'),
    ]);

    expect(code).toBe(0);
    expect(stdout).toContain('anthropic.claude-3-haiku-20240307-v1:0');
    expect(stdout).toContain('ALL MODELS');
    expect(stdout).toMatch(/Rejected records by reason:\n\s+outside-time-window\s+1/);
    expect(stdout).toContain('Unpriced models');
  });

  it('replays Lambda events, arrays of them and decoded payloads alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
    const event = JSON.parse(readFileSync(fixturePath('subscription-lambda-event.json'), 'utf8'));
    writeFileSync(join(dir, 'one.json'), JSON.stringify(event));
    writeFileSync(join(dir, 'many.json'), JSON.stringify([event, event]));

    const { code, stdout } = await replay(['--json', dir]);

    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as ReplaySummary;
    expect(summary.batches.total).toBe(3);
    // The same batch three times: each delivery is counted, as Lambda would (dedupe is per batch).
    expect(summary.records.total % 3).toBe(0);
  });

  it('keeps prompt and answer text out of stdout, stderr, EMF and summaries, even at DEBUG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
    const broken = makeRecord({ time: T0 });
    (broken.input as Record<string, unknown>).inputTokenCount = -1;
    const lines = [
      line(makeRecord({ time: T0 })),
      line(makeRecord({ time: T0, operation: 'InvokeModelWithResponseStream' })),
      line(broken),
      `${PROMPT_CANARY} not json`,
      line(makeRecord({ time: T0 })).slice(0, 200),
    ];
    writeFileSync(join(dir, 'canary.jsonl'), `${lines.join('\n')}\n`);
    const emfFile = join(dir, 'out.emf');
    const debug = { POWERTOOLS_LOG_LEVEL: 'DEBUG' };

    const table = await replay(['--emf', emfFile, join(dir, 'canary.jsonl')], debug);
    const json = await replay(['--json', join(dir, 'canary.jsonl')], debug);

    const all = table.stdout + table.stderr + json.stdout + json.stderr + readFileSync(emfFile, 'utf8');
    expect(table.code).toBe(0);
    expect(all).not.toContain(PROMPT_CANARY);
    expect(all).not.toContain(ANSWER_CANARY);
    // Rejections are logged with their reason and ids only.
    const rejections = table.stderr
      .split('\n')
      .filter((l) => l.includes('Log event rejected'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejections.map((r) => r.reason).sort()).toEqual([
      'invalid-field:input.inputTokenCount',
      'not-json',
      'not-json',
    ]);
    const allowed = [
      'level',
      'message',
      'timestamp',
      'service',
      'sampling_rate',
      'xray_trace_id',
      'cold_start',
      'function_arn',
      'function_memory_size',
      'function_name',
      'function_request_id',
      'reason',
      'logEventId',
      'requestId',
    ];
    for (const r of rejections) for (const key of Object.keys(r)) expect(allowed, key).toContain(key);
  });

  it('exits 2 with a clear message for an unreadable path or a bad flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
    writeFileSync(join(dir, 'x.json'), '{"hello": 1}');

    const missing = await replay(['/no/such/path.jsonl']);
    const badNow = await replay(['--now', 'yesterday']);
    const wrongShape = await replay([join(dir, 'x.json')]);

    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read /no/such/path.jsonl: ENOENT');
    expect(badNow.code).toBe(2);
    expect(badNow.stderr).toContain('--now');
    expect(wrongShape.code).toBe(2);
    expect(wrongShape.stderr).toContain('not a Lambda event');
  });

  it('reports a batch that cannot be decoded and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ awslogs: { data: 'H4sI' } }));

    const { code, stdout } = await replay(['--json', join(dir, 'bad.json')]);

    expect(code).toBe(1);
    const summary = JSON.parse(stdout) as ReplaySummary;
    expect(summary.batches.failed).toBe(1);
    expect(summary.batches.failures[0]?.error).toMatch(/^invalid-gzip/);
  });

  it('reads `aws logs filter-log-events` output from standard input and pipes clean JSON (items 2, 5)', async () => {
    const events = fixtureLines('bedrock-invocation-records.jsonl').map((message, i) => ({
      logStreamName: 'aws/bedrock/modelinvocations',
      timestamp: 1749736740000 + i,
      message,
      eventId: String(i),
    }));

    const { code, stdout } = await replayStdin(['--json', '-'], JSON.stringify({ events }, null, 4));

    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as ReplaySummary;
    expect(summary.records).toMatchObject({ total: 9, accepted: 9, rejected: 0 });
  });

  it('handles a decoded payload whose message is nested 100,000 deep without a stack trace (defect 4)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
    let deep = '1';
    for (let i = 0; i < 100_000; i++) deep = `{"n":${deep}}`;
    writeFileSync(
      join(dir, 'deep.json'),
      `{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":0,"message":${deep}}]}`,
    );

    const { code, stdout, stderr } = await replay(['--json', join(dir, 'deep.json')]);

    expect(code).toBe(0);
    expect(stderr).not.toContain('RangeError');
    expect((JSON.parse(stdout) as ReplaySummary).records.rejectedByReason).toEqual({
      'invalid-log-event': 1,
    });
  });

  it('refuses times that are not ISO-8601 (`--now 5` is not 2001-05-01) and an empty range (item 1)', async () => {
    const five = await replay(['--now', '5']);
    const reversed = await replay(['--since', '2025-10-21', '--until', '2025-10-20']);

    expect(five.code).toBe(2);
    expect(five.stderr).toContain('--now: "5" is not an ISO-8601 date or time');
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('--since must be before --until');
  });

  it('says so when the input holds no log events (item 3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
    writeFileSync(join(dir, 'empty.jsonl'), '\n\n');

    const { code, stderr } = await replay([join(dir, 'empty.jsonl')]);

    expect(code).toBe(0);
    expect(stderr).toContain('the input holds no log events');
  });

  it('fits 120 columns by default, keeps the single table for --wide, and writes CSV (item 4)', async () => {
    const narrow = await replay([]);
    const wide = await replay(['--wide']);
    const csv = await replay(['--csv', '--attribute', 'team']);
    const both = await replay(['--csv', '--json']);

    expect(Math.max(...narrow.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(narrow.stdout).toContain('Unpriced models (cost not included):');
    expect(narrow.stdout).toMatch(/why: an application inference profile/);
    expect(wide.stdout).toMatch(
      /^model +calls +errors +err % +server +client +thr % +throt +timeo .* cost +\$\/1k calls +unpriced$/m,
    );
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^scope,name,calls,errors,throttling_errors,/);
    expect(rows.filter((r) => r.startsWith('model,'))).toHaveLength(7);
    expect(rows.some((r) => r.startsWith('all-models,ALL MODELS,1974,'))).toBe(true);
    expect(rows.some((r) => r.startsWith('attribution:team,'))).toBe(true);
    expect(rows.find((r) => r.includes('application-inference-profile'))).toMatch(
      /,,,81,application-profile-not-resolved,\d+,\d+,\d+,\d+,[\d.]*,\d+,[\d.]*,\d+,\d+,\d+$/,
    );
    expect(both.code).toBe(2);
  });

  it("docs/replay.md's column table names every --csv column, in the header's order", async () => {
    const csv = await replay(['--csv', fixturePath('bedrock-invocation-records.jsonl')]);
    const doc = readFileSync(join(ROOT, 'docs', 'replay.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## The `--csv` columns'), doc.indexOf('## The `--json` shape'));
    // The first cell of each table row names one column or several, each in backticks.
    const documented = [...section.matchAll(/^\| (`[^|]+`) \|/gm)].flatMap((m) =>
      [...(m[1] ?? '').matchAll(/`([^`]+)`/g)].map((c) => c[1]),
    );

    expect(csv.code).toBe(0);
    expect(documented).toEqual(csv.stdout.split('\n')[0]?.split(','));
  });
});

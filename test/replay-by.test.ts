import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ByGroup } from '../cli/replay/by';
import { main } from '../cli/replay/command';
import { type ReplayReport, runReplay } from '../cli/replay/run';
import { parseInvocationRecord } from '../shared/ingest/2-parse';
import { captureWrites } from './support/capture';

const CORPUS = join(import.meta.dirname, '..', 'events', 'accounts-regions');
const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

/** Replay is quiet here: its log lines and warnings are not what these tests look at. */
const quiet = () => undefined;

async function replayBy(paths: string[], by: string[][]): Promise<ReplayReport> {
  const run = await runReplay({ paths, by, keepEmf: false, writeLog: quiet, onWarning: quiet });
  return run.summary;
}

/** The group of `by[dims]` whose values are `values`, failing when there is none. */
function group(report: ReplayReport, dims: string, ...values: string[]): ByGroup {
  const found = report.by?.[dims]?.find((g) => g.value === values.join(' / '));
  if (!found) throw new Error(`no group ${values.join(' / ')} in by.${dims}`);
  return found;
}

/** The figures the corpus README computes by hand, without the fields each test does not look at. */
const figures = (g: ByGroup) => ({
  invocations: g.invocations,
  errors: g.errors,
  clientErrors: g.clientErrors,
  throttles: g.throttles,
  inputTokens: g.inputTokens,
  outputTokens: g.outputTokens,
  costUsd: g.costUsd,
  latencyMs: g.latencyMs,
});

const lat = (count: number, p50: number | null, p95: number | null, p99: number | null) => ({
  count,
  p50,
  p95,
  p99,
});

describe('replay --by on 3 accounts × 2 regions (events/accounts-regions, figures by hand)', () => {
  it("reports each account's calls, errors, throttles, tokens, cost and latency percentiles exactly", async () => {
    const report = await replayBy([CORPUS], [['account']]);
    expect(report.by?.account?.map((g) => g.value)).toEqual([A, B, C]);
    expect(figures(group(report, 'account', A))).toEqual({
      invocations: 5,
      errors: 0,
      clientErrors: 0,
      throttles: 1,
      inputTokens: 5000,
      outputTokens: 3000,
      costUsd: 0.000843,
      latencyMs: lat(4, 200, 400, 400),
    });
    expect(figures(group(report, 'account', B))).toEqual({
      invocations: 5,
      errors: 1,
      clientErrors: 1,
      throttles: 0,
      inputTokens: 6000,
      outputTokens: 3500,
      costUsd: 0.001018,
      latencyMs: lat(3, 250, 500, 500),
    });
    expect(figures(group(report, 'account', C))).toEqual({
      invocations: 4,
      errors: 1,
      clientErrors: 0,
      throttles: 1,
      inputTokens: 3000,
      outputTokens: 750,
      costUsd: 0.000382,
      latencyMs: lat(2, 50, 600, 600),
    });
  });

  it("reports each region's figures, each call priced at its own region's rates", async () => {
    const report = await replayBy([CORPUS], [['region']]);
    expect(report.by?.region?.map((g) => g.value)).toEqual(['eu-central-1', 'us-east-1']);
    expect(figures(group(report, 'region', 'us-east-1'))).toEqual({
      invocations: 7,
      errors: 2,
      clientErrors: 0,
      throttles: 1,
      inputTokens: 7000,
      outputTokens: 2750,
      costUsd: 0.000805,
      latencyMs: lat(4, 100, 500, 500),
    });
    // At us-east-1's rates these five calls would cost $0.0011; Frankfurt's are higher.
    expect(figures(group(report, 'region', 'eu-central-1'))).toEqual({
      invocations: 7,
      errors: 0,
      clientErrors: 1,
      throttles: 1,
      inputTokens: 7000,
      outputTokens: 4500,
      costUsd: 0.001438,
      latencyMs: lat(5, 250, 600, 600),
    });
  });

  it('--by account,region reports every combination, and the combinations add up to the totals', async () => {
    const report = await replayBy([CORPUS], [['account', 'region']]);
    const cells = report.by?.['account,region'] ?? [];
    expect(cells.map((g) => [g.values.account, g.values.region, g.invocations, g.costUsd])).toEqual([
      [A, 'eu-central-1', 2, 0.000528],
      [A, 'us-east-1', 3, 0.000315],
      [B, 'eu-central-1', 3, 0.000598],
      [B, 'us-east-1', 2, 0.00042],
      [C, 'eu-central-1', 2, 0.000312],
      [C, 'us-east-1', 2, 0.00007],
    ]);
    expect(figures(group(report, 'account,region', B, 'eu-central-1'))).toEqual({
      invocations: 3,
      errors: 0,
      clientErrors: 1,
      throttles: 0,
      inputTokens: 3000,
      outputTokens: 2500,
      costUsd: 0.000598,
      latencyMs: lat(2, 150, 250, 250),
    });
    expect(report.totals.invocations).toBe(14);
    expect(report.totals.alarmErrors).toMatchObject({ serverErrors: 2, clientErrors: 1, throttles: 2 });
    expect(report.totals.costUsd).toBe(0.002243);
    expect(report.totals.latencyMs).toEqual(lat(9, 250, 600, 600));
    const sum = (pick: (g: ByGroup) => number) => cells.reduce((a, g) => a + pick(g), 0);
    expect(sum((g) => g.invocations)).toBe(report.totals.invocations);
    expect(sum((g) => g.errors)).toBe(report.totals.alarmErrors.serverErrors);
    expect(sum((g) => g.inputTokens)).toBe(report.totals.inputTokens);
    expect(sum((g) => g.outputTokens)).toBe(report.totals.outputTokens);
  });

  it('tells the same role name in two accounts apart as two callers', async () => {
    const report = await replayBy([CORPUS], [['caller']]);
    expect(report.by?.caller?.map((g) => [g.value, g.invocations])).toEqual([
      [`app-role (${A})`, 5],
      [`app-role (${B})`, 5],
      [`batch-role (${C})`, 4],
    ]);
  });

  it('groups by operation, day, hour, model and a requestMetadata key', async () => {
    const report = await replayBy([CORPUS], [['operation'], ['day'], ['hour'], ['model'], ['team']]);
    const counts = (dims: string) => report.by?.[dims]?.map((g) => [g.value, g.invocations]);
    expect(counts('operation')).toEqual([['Converse', 14]]);
    expect(counts('day')).toEqual([
      ['2025-11-03', 10],
      ['2025-11-04', 4],
    ]);
    expect(counts('hour')).toEqual([
      ['2025-11-03T10:00Z', 7],
      ['2025-11-03T11:00Z', 3],
      ['2025-11-04T09:00Z', 4],
    ]);
    expect(counts('model')).toEqual([
      ['amazon.nova-lite-v1:0', 3],
      ['amazon.nova-micro-v1:0', 11],
    ]);
    expect(counts('team')).toEqual([
      ['Unattributed', 9],
      ['alpha', 3],
      ['beta', 2],
    ]);
  });

  it('leaves by out of the report when no --by is asked for', async () => {
    const run = await runReplay({ paths: [CORPUS], keepEmf: false, writeLog: quiet, onWarning: quiet });
    expect(Object.hasOwn(run.summary, 'by')).toBe(false);
  });
});

describe('replay --by on the command line', () => {
  const cli = (args: string[]) => captureWrites(() => main(args));

  it('prints a table per grouping, with one column per dimension', async () => {
    const { result, stdout } = await cli(['--by', 'account,region', '--by', 'caller', CORPUS]);
    expect(result).toBe(0);
    expect(stdout).toContain('By account, region');
    expect(stdout).toMatch(/^222222222222\s+eu-central-1\s+3\s+0\s+1\s+0\s+3,000\s+2,500\s/m);
    expect(stdout).toContain('By caller');
    expect(stdout).toMatch(/^app-role \(111111111111\)\s+5\s/m);
  });

  it('writes a CSV row per group, with the errors in the columns of the same meaning as the models', async () => {
    const { result, stdout } = await cli(['--csv', '--by', 'region', CORPUS]);
    expect(result).toBe(0);
    const lines = stdout.trim().split('\n');
    const header = (lines[0] ?? '').split(',');
    const row = (lines.find((l) => l.startsWith('by:region,eu-central-1,')) ?? '').split(',');
    const cell = (column: string) => row[header.indexOf(column)];
    expect(cell('calls')).toBe('7');
    expect(cell('errors')).toBe('1');
    expect(cell('server_side_errors')).toBe('0');
    expect(cell('client_side_errors')).toBe('1');
    expect(cell('throttling_errors')).toBe('1');
    expect(cell('cost_usd')).toBe('0.001438');
    expect(cell('latency_p50_ms')).toBe('250');
  });

  it('puts by at the end of --json, keyed by the dimensions', async () => {
    const { stdout } = await cli(['--json', '--by', 'account', CORPUS]);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).at(-1)).toBe('by');
    expect(Object.keys(report.by as object)).toEqual(['account']);
  });

  it.each([
    ['accountId', 'account'],
    ['caller,accountId', 'account'],
    ['awsRegion', 'region'],
  ])(
    'refuses --attribute %s, pointing to the built-in key %s (record fields are not requestMetadata)',
    async (keys, builtIn) => {
      const { result, stdout, stderr } = await cli(['--attribute', keys, CORPUS]);
      expect(result).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`built-in key "${builtIn}"`);
    },
  );

  it('attributes by the built-in account and region keys, adding up to the totals', async () => {
    const { result, stdout } = await cli(['--json', '--attribute', 'account,region', CORPUS]);
    expect(result).toBe(0);
    const report = JSON.parse(stdout) as {
      totals: { invocations: number };
      attribution: Record<string, { value: string; invocations: number }[]>;
    };
    for (const key of ['account', 'region']) {
      const values = report.attribution[key] ?? [];
      expect(values.reduce((n, v) => n + v.invocations, 0)).toBe(report.totals.invocations);
    }
    expect(report.attribution.region?.map((v) => v.value)).toContain('eu-central-1');
  });

  it.each([
    ['accountId', /called account/],
    ['account,,region', /empty dimension/],
    ['region,region', /named twice/],
  ])('refuses --by %s with a reason', async (flag, reason) => {
    const { result, stderr } = await cli(['--by', flag, CORPUS]);
    expect(result).toBe(2);
    expect(stderr).toMatch(reason);
  });
});

describe('the parse stage reads the account', () => {
  const record = (accountId: unknown) =>
    JSON.stringify({
      schemaType: 'ModelInvocationLog',
      timestamp: '2025-11-03T10:00:00Z',
      requestId: 'r-1',
      operation: 'Converse',
      modelId: 'amazon.nova-micro-v1:0',
      region: 'eu-central-1',
      accountId,
    });

  it('keeps a 12-digit accountId with the region', () => {
    const parsed = parseInvocationRecord(record(A), { nowMs: 0, timeWindow: false });
    expect(parsed.ok && [parsed.invocation.accountId, parsed.invocation.region]).toEqual([A, 'eu-central-1']);
  });

  it.each([[42], ['12345'], [null]])('accepts the call without an account when accountId is %s', (value) => {
    const parsed = parseInvocationRecord(record(value), { nowMs: 0, timeWindow: false });
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && Object.hasOwn(parsed.invocation, 'accountId')).toBe(false);
  });
});

const DIMS = ['model', 'account', 'region', 'operation', 'caller', 'day', 'hour', 'team'] as const;

const recordArb = fc.record({
  account: fc.constantFrom(A, B, C, undefined),
  region: fc.constantFrom('us-east-1', 'eu-central-1', 'us-west-2', 'ap-south-7'),
  model: fc.constantFrom('amazon.nova-micro-v1:0', 'amazon.nova-lite-v1:0', 'vendor.unknown-v9'),
  operation: fc.constantFrom('Converse', 'InvokeModel'),
  role: fc.constantFrom('app-role', 'batch-role', undefined),
  team: fc.constantFrom('alpha', 'beta', undefined),
  hour: fc.integer({ min: 0, max: 47 }),
  inputTokens: fc.integer({ min: 0, max: 100_000 }),
  outputTokens: fc.integer({ min: 0, max: 10_000 }),
  latencyMs: fc.integer({ min: 1, max: 30_000 }),
  error: fc.option(
    fc.constantFrom('ThrottlingException', 'ModelTimeoutException', 'ValidationException', 'Odd'),
    { freq: 3 },
  ),
});

type GeneratedRecord = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

function recordLine(r: GeneratedRecord, i: number): string {
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    timestamp: new Date(Date.UTC(2025, 10, 3, r.hour, i % 60)).toISOString(),
    requestId: `req-${i}`,
    operation: r.operation,
    modelId: r.model,
    region: r.region,
    ...(r.account ? { accountId: r.account } : {}),
    ...(r.role ? { identity: { arn: `arn:aws:sts::${r.account ?? C}:assumed-role/${r.role}/s` } } : {}),
    ...(r.team ? { requestMetadata: { team: r.team } } : {}),
    input: { inputTokenCount: r.inputTokens },
    ...(r.error
      ? { errorCode: r.error }
      : {
          output: {
            outputTokenCount: r.outputTokens,
            outputBodyJson: r.operation === 'Converse' ? { metrics: { latencyMs: r.latencyMs } } : {},
          },
        }),
  });
}

describe('replay --by (property)', () => {
  it('the groups of any dimensions add up to the totals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-by-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArb, { minLength: 1, maxLength: 40 }),
          fc.uniqueArray(fc.constantFrom(...DIMS), { minLength: 1, maxLength: 3 }),
          async (records, dims) => {
            const file = join(dir, 'records.jsonl');
            writeFileSync(file, `${records.map(recordLine).join('\n')}\n`);
            const report = await replayBy([file], [dims]);
            const groups = report.by?.[dims.join(',')] ?? [];
            const sum = (pick: (g: ByGroup) => number) => groups.reduce((a, g) => a + pick(g), 0);
            const { totals } = report;
            expect(new Set(groups.map((g) => g.value)).size).toBe(groups.length);
            expect(sum((g) => g.invocations)).toBe(totals.invocations);
            expect(sum((g) => g.errors)).toBe(totals.alarmErrors.serverErrors);
            expect(sum((g) => g.clientErrors)).toBe(totals.alarmErrors.clientErrors);
            expect(sum((g) => g.throttles)).toBe(totals.alarmErrors.throttles);
            expect(sum((g) => g.inputTokens)).toBe(totals.inputTokens);
            expect(sum((g) => g.outputTokens)).toBe(totals.outputTokens);
            expect(sum((g) => g.unpricedInvocations)).toBe(totals.unpricedInvocations);
            expect(sum((g) => g.latencyMs.count)).toBe(totals.latencyMs.count);
            // Each figure is rounded to 9 decimals: the sum may differ by half a nano-dollar per group.
            const cost = sum((g) => g.costUsd ?? 0);
            expect(Math.abs(cost - (totals.costUsd ?? 0))).toBeLessThanOrEqual(groups.length * 1e-9);
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

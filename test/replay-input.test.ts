/**
 * Replay's inputs (item 2 of #16) and its record-time handling (item 1): every export format users
 * have gives the same figures as the raw lines it carries.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonDocumentStream } from '../cli/input/json-documents';
import type { ReplayBatch } from '../cli/input/shapes';
import { DecodedInput, recordTimeOf } from '../cli/input/shapes';
import { streamBatches } from '../cli/input/sources';
import { type ReplayOptions, runReplay } from '../cli/replay/run';
import { encodeSubscriptionEvent } from '../shared/ingest/1-decode';
import { line, makeRecord, T0 } from './support/helpers';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const DAY = 24 * 60 * 60_000;

/** Twelve records over two models and three minutes, one of them failed, plus Bedrock's junk line. */
const records = Array.from({ length: 12 }, (_, i) =>
  makeRecord({
    time: T0 + (i % 3) * 60_000,
    modelId: i % 2 === 0 ? HAIKU : NOVA,
    latencyMs: 500 + i,
    ...(i === 5 ? { errorCode: 'ThrottlingException' } : {}),
  }),
);
const lines = [...records.map(line), 'Permissions are correctly set for Amazon Bedrock logs.'];
const iso = (ms: number) => new Date(ms).toISOString();

const dir = () => mkdtempSync(join(tmpdir(), 'bw-input-'));
const quiet: Partial<ReplayOptions> = { writeLog: () => undefined, onWarning: () => undefined };
/** Replays paths, returning the summary's figures that every format must agree on, and the warnings. */
async function figures(paths: string[], options: Partial<ReplayOptions> = {}) {
  const warnings: string[] = [];
  const run = await runReplay({ ...quiet, paths, onWarning: (m) => warnings.push(m), ...options });
  const { records: counts, models } = run.summary;
  return {
    records: counts,
    models: models.map((m) => [m.modelId, m.invocations, m.errors.Throttling, m.costUsd, m.latencyMs.p50]),
    warnings,
    summary: run.summary,
  };
}

/** The `aws logs filter-log-events` / `get-log-events` shape, pretty-printed as the CLI prints it. */
const cliEvents = (messages: string[]) =>
  messages.map((message, i) => ({
    logStreamName: 'aws/bedrock/modelinvocations',
    timestamp: T0 + i,
    message,
    ingestionTime: T0 + i + 500,
    eventId: `3786${String(i).padStart(52, '0')}`,
  }));

describe('runReplay: the usual export formats (item 2)', () => {
  it('gives the figures of the raw lines for every format users export', async () => {
    const d = dir();
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/bedrock/modelinvocations',
      logStream: 'aws/bedrock/modelinvocations',
      subscriptionFilters: ['f'],
      logEvents: lines.map((message, i) => ({ id: String(i), timestamp: T0, message })),
    };
    const kinesisData = encodeSubscriptionEvent(payload).awslogs.data;
    const files: Record<string, string | Buffer> = {
      'raw.jsonl': `${lines.join('\n')}\n`,
      'filter-log-events.json': JSON.stringify(
        { events: cliEvents(lines), searchedLogStreams: [], nextToken: 'abc' },
        null,
        4,
      ),
      'get-log-events.json.gz': gzipSync(
        JSON.stringify(
          { events: cliEvents(lines), nextForwardToken: 'f/1', nextBackwardToken: 'b/1' },
          null,
          4,
        ),
      ),
      // CloudWatch Logs' export to S3: <prefix>/<task>/<stream>/000000.gz, `<ISO-time> <message>` lines.
      '000000.gz': gzipSync(`${lines.map((l, i) => `${iso(T0 + i)} ${l}`).join('\n')}\n`),
      'lambda-event.json': JSON.stringify(encodeSubscriptionEvent(payload)),
      'kinesis-event.json': JSON.stringify({
        Records: [{ kinesis: { data: kinesisData, partitionKey: 'p' }, eventSource: 'aws:kinesis' }],
      }),
      'decoded-payload.json': JSON.stringify(payload, null, 2),
      'bom.jsonl': `\ufeff${lines.join('\r\n')}\r\n`,
      'utf16-powershell.json': Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(JSON.stringify({ events: cliEvents(lines) }), 'utf16le'),
      ]),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), content);

    const expected = await figures([join(d, 'raw.jsonl')]);
    const each = await Promise.all(Object.keys(files).map((name) => figures([join(d, name)])));

    expect(expected.records).toMatchObject({ total: 13, accepted: 12, rejected: 1 });
    for (const [i, name] of Object.keys(files).entries()) {
      expect([name, each[i]?.records], name).toEqual([name, expected.records]);
      expect([name, each[i]?.models], name).toEqual([name, expected.models]);
      expect(each[i]?.warnings, name).toEqual([]);
    }
  });

  it('reports a wrong-shaped file in a folder, skips it, lists the other extensions, and reads the rest', async () => {
    const d = dir();
    mkdirSync(join(d, 'task', 'stream'), { recursive: true });
    writeFileSync(
      join(d, 'task', 'stream', '000000.gz'),
      gzipSync(`${lines.map((l) => `${iso(T0)} ${l}`).join('\n')}\n`),
    );
    writeFileSync(join(d, 'aws-logs-write-test'), 'Permission Check Successful');
    writeFileSync(join(d, 'README.md'), '# notes');
    writeFileSync(join(d, 'wrong.json'), '{"hello": 1}');
    writeFileSync(join(d, 'broken.json.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));

    const { records: counts, warnings, summary } = await figures([d]);

    expect(counts.accepted).toBe(12);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^skipped 2 paths \(.*README\.md, .*aws-logs-write-test\): not a \.json, \.jsonl or \.gz file$/,
      ),
      // A gzip that breaks off is damaged input (exit 1), not a file of another kind.
      expect.stringMatching(
        /broken\.json\.gz: not a valid gzip file \(truncated\) at byte 0 \(decompressed\); replayed: nothing/,
      ),
      expect.stringMatching(/wrong\.json: not a Lambda event .*\(skipped\)$/),
    ]);
    expect(summary.inputs.skipped.map((s) => s.reason)).toEqual([
      'not a .json, .jsonl or .gz file',
      'not a .json, .jsonl or .gz file',
    ]);
    expect(summary.inputs.damaged.map((d) => [d.path, d.problem])).toEqual([
      [join(d, 'broken.json.gz'), 'not a valid gzip file (truncated)'],
    ]);
  });

  it('fails only when nothing at all could be read', async () => {
    const d = dir();
    writeFileSync(join(d, 'wrong.json'), '[1, 2]');

    const run = runReplay({ ...quiet, paths: [join(d, 'wrong.json'), join(d, 'missing.jsonl')] });

    await expect(run).rejects.toThrow('nothing could be read');
  });

  it('counts a decoded payload whose message is a 100,000-deep object as an invalid log event (defect 4)', async () => {
    const d = dir();
    let deep = '1';
    for (let i = 0; i < 100_000; i++) deep = `{"n":${deep}}`;
    writeFileSync(
      join(d, 'deep.json'),
      `{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":0,"message":${deep}},{"id":"2","timestamp":0,"message":${JSON.stringify(lines[0])}}]}`,
    );

    const { records: counts, summary } = await figures([join(d, 'deep.json')]);

    expect(counts).toMatchObject({
      total: 2,
      accepted: 1,
      rejected: 1,
      rejectedByReason: { 'invalid-log-event': 1 },
    });
    expect(summary.batches.failed).toBe(0);
  });
});

describe('runReplay: record time (item 1)', () => {
  // A month of history, and one record with a typo'd year.
  const times = [T0 - 30 * DAY, T0 - 20 * DAY, T0 - 10 * DAY, T0, Date.parse('2031-10-20T09:00:00Z')];
  const history = () => {
    const d = dir();
    writeFileSync(join(d, 'month.jsonl'), times.map((time) => line(makeRecord({ time }))).join('\n'));
    return join(d, 'month.jsonl');
  };

  it('rejects no record for its age by default: replay is an analysis of history', async () => {
    const { records: counts, summary } = await figures([history()]);

    expect(counts).toMatchObject({ total: 5, accepted: 5, rejected: 0 });
    expect(summary.time).toMatchObject({
      now: null,
      firstMinute: iso(T0 - 30 * DAY),
      lastMinute: '2031-10-20T09:00:00.000Z',
    });
  });

  it("applies the function's acceptance window with --now, to show what Lambda would drop", async () => {
    const { records: counts } = await figures([history()], { nowMs: T0 });

    expect(counts).toMatchObject({
      accepted: 2,
      rejected: 3,
      rejectedByReason: { 'outside-time-window': 3 },
    });
  });

  it('filters by record time with --since/--until, counted apart from rejections', async () => {
    const { records: counts, summary } = await figures([history()], {
      sinceMs: T0 - 25 * DAY,
      untilMs: T0 + DAY,
    });

    expect(counts).toMatchObject({ total: 5, accepted: 3, rejected: 0, filtered: 2 });
    expect(summary.time.since).toBe(iso(T0 - 25 * DAY));
  });
});

describe('JsonDocumentStream', () => {
  const doc = JSON.stringify(
    { nextToken: 'a"b\\c', events: cliEvents(['{"x":"}]\\"["}', 'plain', '']), searchedLogStreams: [1, [2]] },
    null,
    2,
  );

  it('cuts out the same elements and members wherever the chunks split the text', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(doc.length), { maxLength: 8 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const elements: unknown[] = [];
        const members: unknown[] = [];
        const stream = new JsonDocumentStream({
          element: (value) => elements.push(value),
          object: (m) => members.push(m),
        });

        let start = 0;
        for (const p of [...points, doc.length]) {
          stream.push(doc.slice(start, p));
          start = p;
        }
        stream.end();

        expect(elements).toEqual(JSON.parse(doc).events);
        expect(members).toEqual([{ nextToken: 'a"b\\c', searchedLogStreams: [1, [2]] }]);
      }),
    );
  });

  it('finds where each string ends, whatever runs of backslashes and quotes it holds, cut anywhere', () => {
    const tricky = fc.string({ unit: fc.constantFrom('\\', '"', 'a', '{', '}', '[', ']', ',', ' ', ':') });
    fc.assert(
      fc.property(
        fc.array(fc.record({ message: tricky, eventId: tricky }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, cuts) => {
          const text = JSON.stringify({ [`k${'\\'.repeat(3)}"`]: 'v', events }, null, 1);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const elements: unknown[] = [];
          const stream = new JsonDocumentStream({
            element: (v) => elements.push(v),
            object: () => undefined,
          });

          let start = 0;
          for (const p of [...points, text.length]) {
            stream.push(text.slice(start, p));
            start = p;
          }
          stream.end();

          expect(elements).toEqual(events);
        },
      ),
    );
  });

  it.each([
    ['a truncated document', '{"events":[{"message":"x"}', 'ends inside a JSON document'],
    ['a top-level string', '"hello"', 'a document must be a JSON object or array'],
    ['a missing comma', '[{"a":1} {"b":2}]', 'expected "," or the end'],
    ['an empty file', '   ', 'holds no JSON document'],
  ])('refuses %s', (_name, text, message) => {
    const stream = new JsonDocumentStream({ element: () => undefined, object: () => undefined });

    const read = () => {
      stream.push(text);
      stream.end();
    };

    expect(read).toThrow(message);
  });
});

describe('streamBatches (the alarm simulator reads through the same reader)', () => {
  const collect = async (paths: string[], batching = {}) => {
    const batches: ReplayBatch[] = [];
    await streamBatches(paths, batching, (b) => {
      batches.push(b);
      return Promise.resolve();
    });
    return batches;
  };

  it('hands over payloads read in the clear, cut by record time', async () => {
    const d = dir();
    const spread = Array.from({ length: 6 }, (_, i) => line(makeRecord({ time: T0 + i * 20_000 })));
    writeFileSync(join(d, 'x.jsonl.gz'), gzipSync(spread.join('\n')));

    const batches = await collect([join(d, 'x.jsonl.gz')], {
      maxBatchSpanMs: 30_000,
      timeOf: recordTimeOf,
    });

    expect(
      batches.map((b) => ((b.event as DecodedInput).value as { logEvents: unknown[] }).logEvents.length),
    ).toEqual([2, 2, 2]);
    expect(batches.every((b) => b.event instanceof DecodedInput)).toBe(true);
  });

  it('names a path that does not exist, as the simulator always has', async () => {
    const missing = join(dir(), 'nope.jsonl');

    await expect(collect([missing])).rejects.toThrow(`cannot read ${missing}: ENOENT`);
  });
});

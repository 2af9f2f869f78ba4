/**
 * Benchmarks the ingest path against the parsing floor and a naive Powertools baseline, in one
 * run so the ratios hold on a noisy machine, estimates the monitor's own monthly bill, measures
 * Kinesis mode and the capacity plan built on it (dev/lib/bench-kinesis-part.ts), and measures
 * replay at export scale against its streaming floor. Usage: npm run -s bench -- --help
 */

import { gunzipSync } from 'node:zlib';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { counted, parseCli } from '../cli/common/cli';
import { localLambdaContext } from '../cli/common/lambda-context';
import { decodeLambdaEvent } from '../shared/ingest/1-decode';
import { parseInvocationRecord } from '../shared/ingest/2-parse';
import { createPriceTable, type PriceData } from '../shared/ingest/5-price';
import { ingestBatch } from '../shared/ingest/batch';
import priceData from '../shared/ingest/price-table.json';
import { benchConfig, benchHandler } from './lib/bench-handler';
import { measureKinesisPart } from './lib/bench-kinesis-part';
import { type MonthScale, monthScale } from './lib/bench-month';
import { organizationPart } from './lib/bench-organization';
import { type ReplayScale, replayScale } from './lib/bench-replay';
import { billLines } from './lib/bill-lines';
import { buildIngestBundle, measurePeakMemory, medianImportMs } from './lib/ingest-bundle';
import { buildLargeBatch, type LargeBatch } from './lib/large-batch';
import { DEFAULT_REFERENCE, estimateMonthlyBill, LIST_PRICES } from './lib/monthly-bill';

const USAGE = `usage: npm run -s bench -- [--json] [--rounds N] [--only ingest|kinesis|replay|month]
                            [--replay-records N] [--replay-days D] [--replay-rounds R]
                            [--month-records N] [--month-days D]

Measures, in one run so the ratios hold on a noisy machine:
  ingest   the function on its largest batch (10,000 events) against the parsing floor and a naive
           one-document-per-record baseline; EMF bytes per record; bundle size, cold import and peak
           memory as deployed; the monthly bill of a reference month, and of an organization's
           central monitor at 20 and 200 member accounts (dev/lib/bench-organization.ts)
  kinesis  the function on Kinesis batches as the stack's event source mapping delivers them
           (BatchSize records, each a gzipped subscription payload of 100 calls, or of one): log
           events and Kinesis records per second, and the capacity plan for 1M, 10M and 100M calls
           a month built from them (docs/performance.md)
  replay   replay on a generated export-sized .jsonl (default 200,000 records, about 200 MB, at the
           rate of 1,000,000 calls a month) against the floor of streaming the same file and
           JSON.parse-ing each line: records per second and peak RSS of each, each in a fresh process
  month    a generated 30-day month at 1,000,000 calls (about 1 GB) through replay, simulate (default
           stack), simulate with a budget, a watched model and token spikes, and preview, each once in
           a fresh process: wall time, peak RSS, and each simulate's time over replay's (several minutes)

  --json               one JSON document
  --rounds N           rounds of the ingest and kinesis measurements (default 9; medians)
  --only PART          ingest, kinesis, replay or month
  --replay-records N   records in the generated file (default 200000)
  --replay-days D      days the records span (default 6, i.e. 1,000,000 a month; 30 spreads them
                       thinner: more minutes, more EMF documents per record)
  --replay-rounds R    rounds of floor and replay, interleaved (default 3; medians)
  --month-records N    records in the generated month (default 1000000)
  --month-days D       days the month spans (default 30)
  -h, --help           this text

Figures only: no thresholds. example: npm run -s bench -- --only replay --replay-days 30
                             example: npm run -s bench -- --only kinesis --json`;

const args = parseCli('bench', USAGE, process.argv.slice(2), {
  json: { type: 'boolean' },
  rounds: { type: 'string' },
  only: { type: 'string' },
  'replay-records': { type: 'string' },
  'replay-days': { type: 'string' },
  'replay-rounds': { type: 'string' },
  'month-records': { type: 'string' },
  'month-days': { type: 'string' },
});
if (typeof args === 'number') process.exit(args);
const values = args.values;
const positiveInteger = (flag: string, fallback: number): number => {
  const raw = values[flag];
  const n = typeof raw === 'string' ? Number(raw) : fallback;
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`bench: --${flag} takes a positive integer (bench --help)\n`);
    process.exit(2);
  }
  return n;
};
const rounds = positiveInteger('rounds', 9);
const replayOptions = {
  records: positiveInteger('replay-records', 200_000),
  days: positiveInteger('replay-days', 6),
  rounds: positiveInteger('replay-rounds', 3),
};
const monthOptions = {
  records: positiveInteger('month-records', 1_000_000),
  days: positiveInteger('month-days', 30),
};
const PARTS = ['ingest', 'kinesis', 'replay', 'month'] as const;
if (values.only !== undefined && !(PARTS as readonly unknown[]).includes(values.only)) {
  process.stderr.write(`bench: --only takes ${PARTS.join(', ')} (bench --help)\n`);
  process.exit(2);
}
const runs = (part: (typeof PARTS)[number]) => values.only === undefined || values.only === part;
const log = (line: string) => {
  if (!values.json) process.stderr.write(`${line}\n`);
};

const machine = `${process.version} ${process.platform}/${process.arch}, ${(await import('node:os')).cpus().length} cores`;
let ingestResult: Record<string, unknown> | undefined;
const report: string[] = [`machine: ${machine}`];

/** Swallows stdout while `fn` runs: the null sink for the naive baseline's Powertools output. */
async function quiet<T>(fn: () => Promise<T> | T): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

async function time(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await quiet(async () => fn());
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const config = benchConfig();
const table = createPriceTable(priceData as PriceData);

/** Floor: nothing can do less than decode the payload and parse every record. */
function floorOf(batch: LargeBatch): () => number {
  const data = batch.event.awslogs.data;
  return () => {
    const payload = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as {
      logEvents: { message: string }[];
    };
    let n = 0;
    for (const e of payload.logEvents) if (JSON.parse(e.message)) n++;
    return n;
  };
}

/** Naive: what many pipelines do, one Powertools EMF document per record; counts its bytes. */
function naiveOf(batch: LargeBatch, nowMs: number) {
  const metrics = new Metrics({ namespace: config.namespace, serviceName: config.service });
  const counter = { bytes: 0 };
  const run = (): number => {
    const payload = decodeLambdaEvent(batch.event);
    let n = 0;
    for (const e of payload.logEvents) {
      const r = parseInvocationRecord(e.message, { nowMs });
      if (!r.ok) continue;
      const inv = r.invocation;
      metrics.addDimension('ModelId', inv.modelId);
      metrics.addMetric('Invocations', MetricUnit.Count, 1);
      metrics.addMetric('InputTokens', MetricUnit.Count, inv.inputTokens ?? 0);
      metrics.addMetric('OutputTokens', MetricUnit.Count, inv.outputTokens ?? 0);
      if (inv.latencyMs !== undefined) metrics.addMetric('Latency', MetricUnit.Milliseconds, inv.latencyMs);
      counter.bytes += Buffer.byteLength(JSON.stringify(metrics.serializeMetrics())) + 1;
      metrics.publishStoredMetrics();
      n++;
    }
    return n;
  };
  return { run, counter };
}

/** Floor, ingest and naive on the largest batch, interleaved so machine noise hits all three alike. */
async function timeIngest(batch: LargeBatch, nowMs: number) {
  const floor = floorOf(batch);
  const handler = benchHandler(nowMs, config);
  const context = localLambdaContext('bench', 'bench');
  const ingest = () => handler(batch.event, context);
  const naive = naiveOf(batch, nowMs);
  const samples = { floor: [] as number[], ingest: [] as number[], naive: [] as number[] };
  for (let round = -2; round < rounds; round++) {
    // The first two rounds warm the JIT.
    const f = await time(floor);
    const i = await time(ingest);
    naive.counter.bytes = 0;
    const n = await time(naive.run);
    if (round >= 0) {
      samples.floor.push(f);
      samples.ingest.push(i);
      samples.naive.push(n);
    }
  }
  // Each round's own ratio: both sides of a round met the same machine load.
  const ratios = samples.ingest.map((ms, i) => ms / (samples.floor[i] as number)).sort((a, b) => a - b);
  return {
    floorMs: median(samples.floor),
    ingestMs: median(samples.ingest),
    naiveMs: median(samples.naive),
    ratio: { min: ratios[0] as number, median: median(ratios), max: ratios[ratios.length - 1] as number },
    naiveBytes: naive.counter.bytes,
    accepted: (await ingest()).accepted,
  };
}

/** EMF bytes per record at 1,000 records per minute for one model. */
function emfBytesPerRecordAt1000(batch: LargeBatch, nowMs: number): number {
  const payload = decodeLambdaEvent(batch.event);
  const model = 'anthropic.claude-3-haiku-20240307-v1:0';
  const minute = Math.floor(nowMs / 60_000) * 60_000 - 60_000;
  const events = payload.logEvents
    .filter((e) => typeof e.message === 'string' && e.message.includes(`"modelId":"${model}"`))
    .slice(0, 1000)
    .map((e, i) => {
      const r = JSON.parse(e.message as string) as Record<string, unknown>;
      r.timestamp = new Date(minute + (i % 60) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return { ...e, message: JSON.stringify(r) };
    });
  if (events.length < 1000) throw new Error(`only ${events.length} records of ${model} in the batch`);
  const result = ingestBatch(
    { messageType: 'DATA_MESSAGE', logEvents: events },
    { nowMs, priceTable: table, emf: { namespace: config.namespace, service: config.service } },
  );
  return result.documents.reduce((a, d) => a + Buffer.byteLength(d) + 1, 0) / 1000;
}

/** The bundle as deployed: its size, cold import over an empty module, and peak memory on the largest batch. */
async function bundleFigures() {
  const bundle = buildIngestBundle();
  const memory = measurePeakMemory(bundle);
  const emptyModule = `${bundle.dir}/empty.mjs`;
  (await import('node:fs')).writeFileSync(emptyModule, 'export {};\n');
  return {
    bytes: bundle.bytes,
    peakKiB: memory.peakKiB,
    coldBundle: medianImportMs(bundle.file, 9),
    coldEmpty: medianImportMs(emptyModule, 9),
  };
}

/**
 * The monitor's own bill in both metric sets, with attribution on and off, at 20 and 200 teams:
 * attribution's part is the difference, and must not grow with the number of teams.
 */
function monthlyBills(perRecordMs: number) {
  const month = (metricSet: 'complete' | 'essential', teams: number, attribution = true) =>
    estimateMonthlyBill({ ...DEFAULT_REFERENCE, msPerRecord: perRecordMs, metricSet, teams, attribution });
  const bills = (metricSet: 'complete' | 'essential') => {
    const at20 = month(metricSet, 20);
    const off20 = month(metricSet, 20, false);
    const at200 = month(metricSet, 200);
    const off200 = month(metricSet, 200, false);
    const part = (a: number, b: number) => Math.round((a - b) * 100) / 100;
    return {
      bill: {
        ...at20,
        attributionUsd: {
          teams20: part(at20.totalUsd, off20.totalUsd),
          teams200: part(at200.totalUsd, off200.totalUsd),
        },
      },
      off: off20,
    };
  };
  const { bill, off: withoutAttribution } = bills('complete');
  const { bill: essential } = bills('essential');
  return { bill, essential, withoutAttribution };
}

/** Measures the ingest part: its figures for --json, and its lines of the report. */
async function measureIngest(): Promise<{ result: Record<string, unknown>; lines: string[] }> {
  const NOW = Date.now();
  const batch = buildLargeBatch(10_000, 1_000_000, NOW);
  log(
    `batch: ${batch.events} events, ${(batch.compressedBytes / 1024).toFixed(0)} KiB compressed, ${(batch.decompressedBytes / 1048576).toFixed(1)} MiB decompressed`,
  );
  const { floorMs, ingestMs, naiveMs, naiveBytes, accepted, ratio } = await timeIngest(batch, NOW);
  log(
    `floor ${floorMs.toFixed(1)} ms, ingest ${ingestMs.toFixed(1)} ms, naive ${naiveMs.toFixed(1)} ms (medians of ${counted(rounds, 'round')})`,
  );
  const emfBytesPerRecord = emfBytesPerRecordAt1000(batch, NOW);
  const bundle = await bundleFigures();
  const { bill, essential, withoutAttribution } = monthlyBills(ingestMs / batch.events);
  const organization = organizationPart(ingestMs / batch.events);
  const result = {
    batch: {
      events: batch.events,
      accepted,
      compressedBytes: batch.compressedBytes,
      decompressedBytes: batch.decompressedBytes,
    },
    floorMs: Number(floorMs.toFixed(2)),
    ingestMs: Number(ingestMs.toFixed(2)),
    naiveMs: Number(naiveMs.toFixed(2)),
    ingestOverFloor: Number((ingestMs / floorMs).toFixed(3)),
    ingestOverFloorPerRound: {
      rounds,
      min: Number(ratio.min.toFixed(3)),
      median: Number(ratio.median.toFixed(3)),
      max: Number(ratio.max.toFixed(3)),
    },
    naiveOverIngest: Number((naiveMs / ingestMs).toFixed(3)),
    recordsPerSecond: Math.round(batch.events / (ingestMs / 1000)),
    emfBytesPerRecord: Number(emfBytesPerRecord.toFixed(2)),
    naiveEmfBytesPerRecord: Number((naiveBytes / accepted).toFixed(1)),
    peakRssMb: Number((bundle.peakKiB / 1024).toFixed(1)),
    bundleBytes: bundle.bytes,
    coldImportMs: Number((bundle.coldBundle - bundle.coldEmpty).toFixed(1)),
    coldImportRawMs: {
      bundle: Number(bundle.coldBundle.toFixed(1)),
      emptyModule: Number(bundle.coldEmpty.toFixed(1)),
    },
    monthlyBillUsd: bill.totalUsd,
    monthlyBill: bill,
    monthlyBillEssentialUsd: essential.totalUsd,
    monthlyBillEssential: essential,
    monthlyBillWithoutAttributionUsd: withoutAttribution.totalUsd,
    organization: organization.result,
    listPrices: LIST_PRICES,
    targets: {
      ingestOverFloor: '<= 1.35',
      emfBytesPerRecord: '<= 12',
      bundleBytes: '<= 256000, no AWS SDK inside',
      peakRssMb: '<= 128',
      monthlyBillUsd: '<= 40 (metricSet complete)',
      monthlyBillEssentialUsd: '<= 12 (metricSet essential)',
      attributionUsd: 'not growing from 20 to 200 teams',
    },
  };
  const lines = [
    `records per second (ingest): ${result.recordsPerSecond}`,
    `ingest / floor: ${result.ingestOverFloor} (target <= 1.35; medians of each side)`,
    `ingest / floor per round: min ${result.ingestOverFloorPerRound.min}, median ${result.ingestOverFloorPerRound.median}, max ${result.ingestOverFloorPerRound.max} (${rounds} rounds)`,
    `naive / ingest: ${result.naiveOverIngest}`,
    `EMF bytes per record at 1,000 records/min/model: ${result.emfBytesPerRecord} (target <= 12; naive: ${result.naiveEmfBytesPerRecord})`,
    `peak RSS, largest batch: ${result.peakRssMb} MB (target <= 128)`,
    `ingest bundle: ${result.bundleBytes} bytes minified (target <= 250 KB)`,
    `cold import: ${result.coldImportMs} ms over an empty module (${bundle.coldBundle.toFixed(1)} vs ${bundle.coldEmpty.toFixed(1)} ms)`,
    `monthly bill, reference month (1M calls, 10 models, caller (10 roles) and team (20 teams) attributed):`,
    billLines('complete (default)', bill, '<= $40'),
    billLines('essential', essential, '<= $12'),
    `  without attribution (complete): $${result.monthlyBillWithoutAttributionUsd} (${withoutAttribution.distinctSeries} series; custom metrics $${withoutAttribution.parts.customMetrics})`,
    `  prices: CloudWatch/Lambda us-east-1 list prices as of ${LIST_PRICES.date}`,
    ...organization.lines,
  ];
  return { result, lines };
}

if (runs('ingest')) {
  const ingest = await measureIngest();
  ingestResult = ingest.result;
  report.push(...ingest.lines);
}

let kinesisResult: Record<string, unknown> | undefined;
if (runs('kinesis')) {
  const kinesis = await measureKinesisPart(rounds);
  kinesisResult = kinesis.result;
  report.push(...kinesis.lines);
}

let replayResult: ReplayScale | undefined;
if (runs('replay')) {
  replayResult = await replayScale(replayOptions, log);
  const r = replayResult;
  report.push(
    `replay, ${r.file.records.toLocaleString('en-US')} records (${(r.file.bytes / 1048576).toFixed(0)} MB, ${r.file.recordsPerMinute} a minute over ${r.file.days} days), medians of ${counted(r.rounds, 'round')} in fresh processes:`,
    `  floor (stream the file, JSON.parse each line): ${r.floor.recordsPerSecond.toLocaleString('en-US')} records/s, ${r.floor.ms} ms (${r.floor.cpuMs} ms CPU), peak RSS ${r.floor.peakRssMb} MB`,
    `  replay: ${r.replay.recordsPerSecond.toLocaleString('en-US')} records/s, ${r.replay.ms} ms (${r.replay.cpuMs} ms CPU), peak RSS ${r.replay.peakRssMb} MB`,
    `  replay / floor: ${r.replayOverFloor} wall, ${r.replayOverFloorCpu} CPU (target <= 2.5); peak RSS target < 300 MB`,
  );
}

let monthResult: MonthScale | undefined;
if (runs('month')) {
  monthResult = await monthScale(monthOptions, log);
  const m = monthResult;
  const line = (label: string, x: MonthScale['replay']) =>
    `  ${label}: ${(x.ms / 1000).toFixed(1)} s (${(x.cpuMs / 1000).toFixed(1)} s CPU), peak RSS ${x.peakRssMb} MB`;
  report.push(
    `a month through the local tools, ${m.file.records.toLocaleString('en-US')} records (${(m.file.bytes / 1048576).toFixed(0)} MB, ${m.file.recordsPerMinute} a minute over ${m.file.days} days), each once in a fresh process:`,
    line('replay', m.replay),
    line('simulate (default stack)', m.simulate),
    line('simulate (budget, watched model, token spikes)', m.simulateFull),
    line('preview', m.preview),
    `  simulate / replay: ${m.simulateOverReplay} (target <= 5); with budget, watched model, token spikes: ${m.simulateFullOverReplay} (target <= 8); peak RSS target < 1024 MB each`,
  );
}

if (values.json) {
  process.stdout.write(
    `${JSON.stringify(
      {
        machine,
        ...(ingestResult ?? {}),
        ...(kinesisResult ? { kinesis: kinesisResult } : {}),
        ...(replayResult ? { replay: replayResult } : {}),
        ...(monthResult ? { month: monthResult } : {}),
      },
      null,
      2,
    )}\n`,
  );
} else {
  process.stdout.write(`${report.join('\n')}\n`);
}

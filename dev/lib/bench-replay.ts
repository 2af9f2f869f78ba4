/**
 * Replay at scale, for `npm run bench`: writes a large export-sized `.jsonl` (by default 200,000
 * records, about 200 MB, a month of traffic), and measures in one process either replay on it or
 * the floor nothing can beat, streaming the file and JSON.parse-ing each line. The process reports
 * its own peak RSS, so each measurement runs in a fresh one.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter } from '../../cli/input/shapes';
import { sampleInvocationRecords } from './large-batch';

const DAY_MS = 24 * 60 * 60_000;

/** What one measurement found. */
export interface ReplayMeasurement {
  mode: 'floor' | 'replay';
  records: number;
  /** Wall-clock time. */
  ms: number;
  /** CPU time (user + system) of this process: steadier than wall time on a busy machine. */
  cpuMs: number;
  recordsPerSecond: number;
  peakRssMb: number;
}

/**
 * Writes `records` invocation records cycled from the sample set, each with its own requestId, spread
 * evenly over `days` days, and padded with filler text in the output body to about `bytesPerRecord`.
 * Deterministic, so runs compare.
 */
export async function writeBenchFile(
  path: string,
  records: number,
  options: { days?: number; bytesPerRecord?: number } = {},
): Promise<{ bytes: number }> {
  const days = options.days ?? 30;
  const target = options.bytesPerRecord ?? 1000;
  const samples = sampleInvocationRecords();
  const start = Date.parse('2025-10-01T00:00:00Z');
  const step = (days * DAY_MS) / records;
  const out = createWriteStream(path);
  let bytes = 0;
  let buffer = '';
  for (let i = 0; i < records; i++) {
    const record = structuredClone(samples[i % samples.length]) as Record<string, unknown>;
    record.requestId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    record.timestamp = new Date(start + Math.floor(i * step)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    let line = JSON.stringify(record);
    if (line.length < target) {
      const output = (record.output ?? {}) as Record<string, unknown>;
      output.filler = 'lorem ipsum '.repeat(Math.ceil((target - line.length) / 12));
      record.output = output;
      line = JSON.stringify(record);
    }
    buffer += `${line}\n`;
    bytes += line.length + 1;
    if (buffer.length > 4 * 1024 * 1024) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
  return { bytes };
}

/**
 * The floor: stream the file and JSON.parse every line, nothing else, with the same line splitting
 * replay uses (bytes split at newlines, each line decoded on its own: the fastest simple way).
 */
async function floor(path: string): Promise<number> {
  let records = 0;
  const splitter = new LineSplitter((line) => {
    if (JSON.parse(line)) records++;
  });
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    splitter.push(chunk as Buffer);
  }
  splitter.end();
  return records;
}

/** Replay as the CLI runs it (EMF streamed to nowhere, summary built), quiet. */
async function replay(path: string): Promise<number> {
  const { runReplay } = await import('../../cli/replay/run');
  const run = await runReplay({
    paths: [path],
    keepEmf: false,
    writeLog: () => undefined,
    onWarning: () => undefined,
  });
  return run.summary.records.total;
}

/**
 * Runs one measurement in this process and reports it with this process's peak RSS. Replay's modules
 * (the handler, Powertools, middy) are loaded before the clock starts: a fixed cost, whatever the
 * input's size, that the floor does not pay.
 */
export async function measureReplay(mode: 'floor' | 'replay', path: string): Promise<ReplayMeasurement> {
  if (mode === 'replay') {
    await import('../../cli/replay/run');
    await import('../../functions/ingest/ingest');
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  const records = mode === 'floor' ? await floor(path) : await replay(path);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    mode,
    records,
    ms: Number(ms.toFixed(1)),
    cpuMs: Number(((used.user + used.system) / 1000).toFixed(1)),
    recordsPerSecond: Math.round(records / (ms / 1000)),
    peakRssMb: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
  };
}

/** Replay against its floor, at export scale: what `npm run bench` reports. */
export interface ReplayScale {
  file: BenchFile;
  rounds: number;
  /** Medians over the rounds; peak RSS is the largest seen. */
  floor: Omit<ReplayMeasurement, 'mode'>;
  replay: Omit<ReplayMeasurement, 'mode'>;
  replayOverFloor: number;
  replayOverFloorCpu: number;
}

/** Measures one mode in a fresh Node process (with tsx), so its peak RSS is its own. */
function measureInChild(mode: 'floor' | 'replay', path: string): ReplayMeasurement {
  const script = join(import.meta.dirname, '..', 'bench-replay.ts');
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', script, ...(mode === 'floor' ? ['--floor'] : []), path],
    {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (run.status !== 0) throw new Error(`bench:replay ${mode} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ReplayMeasurement;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function summarise(samples: ReplayMeasurement[]): Omit<ReplayMeasurement, 'mode'> {
  const ms = median(samples.map((s) => s.ms));
  const records = samples[0]?.records ?? 0;
  return {
    records,
    ms,
    cpuMs: median(samples.map((s) => s.cpuMs)),
    recordsPerSecond: Math.round(records / (ms / 1000)),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
  };
}

/** What a generated bench file holds. */
export interface BenchFile {
  records: number;
  bytes: number;
  days: number;
  recordsPerMinute: number;
}

/**
 * Writes `records` over `days` into a temporary folder as `name`, runs `measure` on its path, and
 * removes the folder whatever happens.
 */
export async function withBenchFile<T>(
  name: string,
  options: { records: number; days: number },
  log: (line: string) => void,
  measure: (path: string, file: BenchFile) => T,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-'));
  const path = join(dir, name);
  try {
    log(`${name}: writing ${options.records} records over ${options.days} days to ${path}`);
    const { bytes } = await writeBenchFile(path, options.records, { days: options.days });
    const recordsPerMinute = Number((options.records / (options.days * 1440)).toFixed(1));
    return measure(path, { records: options.records, bytes, days: options.days, recordsPerMinute });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the file into a temporary folder, then measures the floor and replay in alternation, each
 * in a fresh process, so machine noise hits both alike.
 */
export function replayScale(
  options: { records: number; days: number; rounds: number },
  log: (line: string) => void,
): Promise<ReplayScale> {
  return withBenchFile('export.jsonl', options, log, (path, file) => {
    const floors: ReplayMeasurement[] = [];
    const replays: ReplayMeasurement[] = [];
    for (let round = 0; round < options.rounds; round++) {
      floors.push(measureInChild('floor', path));
      replays.push(measureInChild('replay', path));
      log(`replay: round ${round + 1}: floor ${floors.at(-1)?.ms} ms, replay ${replays.at(-1)?.ms} ms`);
    }
    const floor = summarise(floors);
    const replay = summarise(replays);
    return {
      file,
      rounds: options.rounds,
      floor,
      replay,
      replayOverFloor: Number((replay.ms / floor.ms).toFixed(2)),
      replayOverFloorCpu: Number((replay.cpuMs / floor.cpuMs).toFixed(2)),
    };
  });
}

/**
 * Writes a subscription event whose records were made a minute ago, for
 * `serverless invoke local`. Usage: npm run -s fresh-event -- --help
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli, runCli } from '../cli/common/cli';
import { SubscriptionDecodeError } from '../shared/ingest/1-decode';
import { freshEvent } from './lib/fresh-event';

const DEFAULT_EVENT = join('events', 'fixtures', 'subscription-lambda-event.json');

const USAGE = `usage: npm run -s fresh-event -- [--out FILE] [--now ISO-TIME] [EVENT.json]

Moves every invocation record of a subscription event (default ${DEFAULT_EVENT}) by one offset
so the newest was made a minute ago, keeping their spacing, and writes the event (gzipped and
base64-encoded as CloudWatch Logs delivers it). The ingest function rejects records outside
CloudWatch's window (14 days back, 2 hours ahead) as outside-time-window, so the 2025 fixture
alone makes serverless invoke local write no per-model metric.

  EVENT.json        the event to move (either shape the function takes; default the fixture)
  --out FILE        write it there instead of to stdout (relative to the package root under npm run)
  --now ISO-TIME    pretend it is then (default: now)
  -h, --help        this text

example: npm run -s fresh-event -- --out /tmp/event.json && npx serverless invoke local -f ingest --path /tmp/event.json`;

export function main(argv: string[]): number {
  const args = parseCli(
    'fresh-event',
    USAGE,
    argv,
    { out: { type: 'string' }, now: { type: 'string' } },
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const nowMs = typeof values.now === 'string' ? Date.parse(values.now) : Date.now();
  if (!Number.isFinite(nowMs)) {
    process.stderr.write(`fresh-event: --now: "${values.now}" is not an ISO-8601 time\n`);
    return 2;
  }
  const path = positionals[0] ?? DEFAULT_EVENT;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    process.stderr.write(`fresh-event: cannot read ${path}: ${(error as NodeJS.ErrnoException).code}\n`);
    return 2;
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    process.stderr.write(
      `fresh-event: ${path} is not JSON (one event document, as events/fixtures/ holds)\n`,
    );
    return 2;
  }
  let out: string;
  try {
    out = `${JSON.stringify(freshEvent(event, nowMs))}\n`;
  } catch (error) {
    if (!(error instanceof SubscriptionDecodeError)) throw error;
    process.stderr.write(`fresh-event: ${path} is not a subscription event: ${error.message}\n`);
    return 2;
  }
  if (typeof values.out === 'string') writeFileSync(values.out, out);
  else process.stdout.write(out);
  return 0;
}

runCli(import.meta.url, 'fresh-event', main);

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPreview } from '../cli/preview/build';
import { previewHtml } from '../cli/preview/html';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { findChromium, launchChromium } from './support/browser';
import { EVENTS_DIR } from './support/helpers';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
// The checks run inside the page (it has the DOM and uPlot's instances); kept as plain browser JS.
const INSPECT = readFileSync(join(import.meta.dirname, 'support', 'preview-inspect.js'), 'utf8');
const chromiumPath = findChromium();
if (!chromiumPath) {
  // CI installs Chromium (.ci/run); there a missing browser is a failure, elsewhere a stated skip.
  if (process.env.CI === 'true')
    throw new Error('CI=true but no Chromium found (apt-get install -y chromium)');
  process.stderr.write(
    'preview browser tests skipped: no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)\n',
  );
}

async function writePreviewPage(paths: string[], raw: Record<string, string>) {
  const page = await buildPreview({ paths, params: parseStackParameters(raw), deliveryLagSeconds: 60 }, raw);
  const file = join(mkdtempSync(join(tmpdir(), 'bw-preview-')), 'preview.html');
  writeFileSync(file, previewHtml(page));
  return { file, page };
}

async function writePreview(paths: string[], raw: Record<string, string>): Promise<string> {
  return (await writePreviewPage(paths, raw)).file;
}

interface Loaded {
  errors: string[];
  requests: string[];
  widgets: {
    dashboard: string;
    title: string;
    points: number;
    reason: string | null;
    thresholds: string;
    bands: number;
    kind: string;
  }[];
}

async function load(browser: Browser, file: string, name: string): Promise<Loaded> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC' });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const section of await page.$$('section[data-dashboard]')) {
    await section.screenshot({
      path: join(ARTIFACTS, `${name}-${await section.getAttribute('data-dashboard')}.png`),
    });
  }
  const widgets = await page.$$eval('[data-widget]', (els) =>
    els.map((e) => {
      const chart = e.querySelector('[data-chart]');
      const single = e.querySelector('.singles');
      return {
        dashboard: e.closest('section')?.getAttribute('data-dashboard') ?? '',
        title: e.getAttribute('data-widget') ?? '',
        kind: e.classList.contains('chart') ? 'chart' : (e.classList[1] ?? ''),
        points: Number(
          chart?.getAttribute('data-points') ??
            single?.getAttribute('data-points') ??
            (e.querySelector('tr td') ? 1 : 0),
        ),
        reason: e.getAttribute('data-reason'),
        thresholds: chart?.getAttribute('data-thresholds') ?? '',
        bands: Number(chart?.getAttribute('data-alarm-bands') ?? 0),
      };
    }),
  );
  await page.close();
  return { errors, requests: requests.filter((u) => !u.startsWith('file://')), widgets };
}

/** What the page shows wrongly: clipped text or rows, notes naming unknown ids; and each chart's x-axis labels. */
interface Inspected {
  problems: string[];
  timeLabels: string[][];
  /** Rows of each alarm list, in page order. */
  alarmRows: number[];
}

/**
 * Loads the page at a width and in a time zone, then checks what a reader would see: every y- and
 * x-axis label (canvas text, measured with the font uPlot draws it in) inside its axis box and the
 * canvas, every legend entry, table row and note inside its widget (widgets clip what overflows),
 * every alarm of the data rendered as a row, and no note naming an unknown metric-math id.
 */
async function inspect(
  browser: Browser,
  file: string,
  width: number,
  timezoneId: string,
  screenshot?: { dashboard: string; path: string },
): Promise<Inspected> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, timezoneId });
  const page = await context.newPage();
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const result = (await page.evaluate(INSPECT)) as Inspected;
  if (screenshot) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page
      .locator(`section[data-dashboard="${screenshot.dashboard}"]`)
      .screenshot({ path: screenshot.path, type: 'jpeg', quality: 70 });
  }
  await context.close();
  return result;
}

describe.skipIf(!chromiumPath)('dashboard preview in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium(chromiumPath as string);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every widget of the sample set with data or a stated reason, offline and without errors', async () => {
    const file = await writePreview([join(EVENTS_DIR, 'sample-set')], {});

    const loaded = await load(browser, file, 'sample-set');

    expect(loaded.errors).toEqual([]);
    expect(loaded.requests).toEqual([]);
    expect(new Set(loaded.widgets.map((w) => w.dashboard))).toEqual(
      new Set(['operations', 'model-comparison', 'executive']),
    );
    const empty = loaded.widgets.filter((w) => w.kind !== 'text' && w.points === 0 && !w.reason);
    expect(empty).toEqual([]);
    expect(loaded.widgets.find((w) => w.title === 'Invocations per model')?.points).toBeGreaterThan(0);
  });

  it('shows every label, legend entry and alarm row in full, no unknown ids, times in UTC in any time zone', async () => {
    const { file, page } = await writePreviewPage([join(EVENTS_DIR, 'sample-set')], {});
    const alarmLists = page.dashboards.flatMap((d) =>
      d.widgets.flatMap(({ data }) => (data.kind === 'alarms' ? [data.alarms.length] : [])),
    );

    const utc = await inspect(browser, file, 1400, 'UTC');
    // At the README image's width; docs/preview.md says how that image is made from this one.
    const kolkata = await inspect(browser, file, 1100, 'Asia/Kolkata', {
      dashboard: 'operations',
      path: join(ARTIFACTS, 'preview-operations.jpg'),
    });
    const newYork = await inspect(browser, file, 1400, 'America/New_York');

    expect.soft(utc.problems).toEqual([]);
    expect.soft(kolkata.problems).toEqual([]);
    expect.soft(utc.alarmRows).toEqual(alarmLists);
    expect.soft(newYork.timeLabels).toEqual(utc.timeLabels);
    // The sample's first record is at 09:00 UTC.
    expect(utc.timeLabels[0]?.[0]).toBe('9:00am\n10/20/25');
  });

  it('draws the p95 thresholds and the ALARM span the simulator reports for a latency regression', async () => {
    const file = await writePreview([join(EVENTS_DIR, 'scenarios', 'latency-regression')], {
      watchedModels: HAIKU,
    });

    const loaded = await load(browser, file, 'latency-regression');

    expect(loaded.errors).toEqual([]);
    expect(loaded.requests).toEqual([]);
    const latency = loaded.widgets.find((w) => w.title === 'Latency p50 / p95 / p99 (all models, ms)');
    expect(latency?.thresholds).toBe('3000,5000');
    expect(latency?.bands).toBeGreaterThanOrEqual(2);
    const comparison = loaded.widgets.find(
      (w) => w.dashboard === 'model-comparison' && w.title === 'p95 latency (ms)',
    );
    expect(comparison?.thresholds).toBe('3000,5000');
    expect(comparison?.bands).toBeGreaterThanOrEqual(2);
  });
});

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPreview } from '../cli/preview/build';
import { DEFAULT_SAMPLE_DIR, runReplay } from '../cli/replay/run';
import { dashboards } from '../deploy/stack/dashboards';
import { ingestNames } from '../deploy/stack/names';
import { monthToDateDocument } from '../functions/month-to-date/month-to-date';
import { readEmfSeries } from '../shared/analysis/emf-reader';
import { buildDashboards, REGION, type Widget } from '../shared/monitoring/dashboards';
import { buildInsightRules } from '../shared/monitoring/insights';
import { parseStackParameters } from '../shared/monitoring/parameters';
import { contractProblems, type EmittedSeries, metricUses } from './support/contract-helpers';
import { EVENTS_DIR } from './support/helpers';
import type { Template } from './support/stack-helpers';

const CTX = ingestNames({ service: 'bedrock-watch', stage: 'test' });
const CORPUS = join(EVENTS_DIR, 'accounts-regions');
const ORG_KEYS = 'caller,team,account,region';

const organizationOf = (raw: Record<string, string>) =>
  buildDashboards(parseStackParameters(raw), CTX, []).find((d) => d.key === 'organization');

/**
 * What the ingest function emits in a metric set (the multi-account corpus and the sample set,
 * which has every error class), and the month-to-date function's series.
 */
async function emittedIn(metricSet: 'complete' | 'essential'): Promise<EmittedSeries[]> {
  const run = await runReplay({
    paths: [CORPUS, DEFAULT_SAMPLE_DIR],
    writeLog: () => undefined,
    // Attribution keys add no series (only budgeted values do), so the records' own keys suffice.
    env: { BEDROCK_WATCH_ATTRIBUTION: 'caller,team', BEDROCK_WATCH_METRIC_SET: metricSet },
  });
  return [
    ...readEmfSeries([...run.emf, monthToDateDocument('BedrockWatch', 'bedrock-watch', Date.now(), 1)]),
  ].map(([, s]) => ({ metricName: s.name, unit: s.unit, dimensionNames: Object.keys(s.dimensions) }));
}

describe('organization dashboard', () => {
  it('exists only when attributionKeys lists account, and its name carries the region', () => {
    expect(organizationOf({ attributionKeys: 'caller,team' })).toBeUndefined();
    expect(organizationOf({})).toBeUndefined();
    expect(organizationOf({ attributionKeys: 'account' })?.name).toBe(
      `bedrock-watch-test-organization-${REGION}`,
    );
  });

  it('ranks accounts by cost, tokens and errors and draws one line per region, from the stack’s own rules', () => {
    const params = parseStackParameters({ attributionKeys: ORG_KEYS });
    const rules = new Map(buildInsightRules(params, CTX).map((r) => [r.name, r]));
    const widgets = organizationOf({ attributionKeys: ORG_KEYS })?.body.widgets ?? [];
    const ranked = widgets.flatMap((w) => {
      const name = (w.properties.insightRule as { ruleName?: string } | undefined)?.ruleName;
      return name ? [rules.get(name)] : [];
    });
    // Every insight widget names a rule the stack creates.
    expect(ranked.every((r) => r !== undefined)).toBe(true);
    const figures = (key: string) => ranked.filter((r) => r?.attributionKey === key).map((r) => r?.figure);
    expect(figures('account')).toEqual(['cost', 'tokens', 'errors', 'calls']);
    expect(figures('region')).toEqual(['cost', 'tokens', 'errors', 'calls']);
    expect(figures('team')).toEqual([]);
  });

  it('leaves the per-region panels out (and says how to get them) without the region key', () => {
    const widgets = organizationOf({ attributionKeys: 'account' })?.body.widgets ?? [];
    const titles = widgets.map((w) => String(w.properties.title ?? w.properties.markdown));
    expect(titles.filter((t) => t.startsWith('Per region'))).toEqual([]);
    expect(titles.some((t) => t.includes('Add `region` to `attributionKeys`'))).toBe(true);
  });

  describe('reads only series the stack emits', () => {
    let emitted: Record<'complete' | 'essential', EmittedSeries[]>;
    beforeAll(async () => {
      emitted = { complete: await emittedIn('complete'), essential: await emittedIn('essential') };
    });

    it.each(['complete', 'essential'] as const)('in metric set %s, as deployed', (metricSet) => {
      const params = parseStackParameters({ attributionKeys: ORG_KEYS, metricSet });
      const { resources } = dashboards(params, CTX, []);
      const org = Object.fromEntries(
        Object.entries(resources).filter(([, r]) =>
          String(
            (r.Properties as { DashboardName: { 'Fn::Sub': string } }).DashboardName['Fn::Sub'],
          ).includes('-organization-'),
        ),
      );
      expect(Object.keys(org)).toHaveLength(1);
      const uses = metricUses({ Resources: org } as unknown as Template);
      expect(uses.length).toBeGreaterThan(10);
      expect(contractProblems(uses, emitted[metricSet], 'BedrockWatch', 'bedrock-watch')).toEqual([]);
      // The essential set has no errors rule: the view ranks what the set has and says so.
      const rules = new Set(buildInsightRules(params, CTX).map((r) => r.name));
      for (const [, r] of Object.entries(org)) {
        const body = JSON.parse(
          (r.Properties as { DashboardBody: { 'Fn::Sub': string } }).DashboardBody['Fn::Sub'],
        );
        for (const w of body.widgets as Widget[]) {
          const name = (w.properties.insightRule as { ruleName?: string } | undefined)?.ruleName;
          if (name) expect(rules.has(name), name).toBe(true);
        }
      }
    });
  });

  it('is previewed with data from a corpus of 3 accounts in 2 regions', async () => {
    const raw = { attributionKeys: ORG_KEYS };
    const page = await buildPreview(
      { paths: [CORPUS], params: parseStackParameters(raw), deliveryLagSeconds: 60 },
      raw,
    );
    const org = page.dashboards.find((d) => d.key === 'organization');
    expect(org?.name).toBe('bedrock-watch-dev-organization-us-east-1');
    const chart = (title: string) => {
      const found = org?.widgets.find((w) => w.data.kind === 'chart' && w.data.title === title)?.data;
      if (found?.kind !== 'chart') throw new Error(`no chart ${title}`);
      return found;
    };
    const totals = chart('Organization totals (shown range)');
    const value = (label: string) => totals.series.find((s) => s.label === label)?.points[0]?.[1];
    // The corpus by hand (events/accounts-regions/README.md): 14 calls, 5 failed, 21,250 tokens in
    // and out, $0.002243 (the sum of its cost column).
    expect(value('calls')).toBe(14);
    expect(value('errors (all classes)')).toBe(5);
    expect((value('input tokens') ?? 0) + (value('output tokens') ?? 0)).toBe(21_250);
    expect(value('cost (USD)')).toBeCloseTo(0.002243, 6);
    expect(totals.unavailable).toEqual([]);
    // Every ranked widget has contributors drawn from the corpus's attribution lines.
    const rankedCharts = org?.widgets.filter((w) => w.widget.properties.insightRule) ?? [];
    expect(rankedCharts).toHaveLength(8);
    for (const w of rankedCharts) {
      if (w.data.kind !== 'chart') throw new Error('not a chart');
      expect(w.data.series.length, w.data.title).toBeGreaterThan(0);
      expect(
        w.data.series.every((s) => s.points.length > 0),
        w.data.title,
      ).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { ingestNames } from '../deploy/stack/index';
import type { AlarmTimeline } from '../shared/analysis/alarm-evaluator';
import { CONTRIBUTOR_DIMENSION, INSIGHT_RULE_NAMESPACE, MetricStore } from '../shared/analysis/metric-store';
import { buildAlarmDefinitions } from '../shared/monitoring/alarms';
import { buildDashboards } from '../shared/monitoring/dashboards';
import type { Widget } from '../shared/monitoring/dashboards/grid';
import { parseStackParameters } from '../shared/monitoring/parameters';

import { alarmBands, widgetData } from '../shared/preview/widget-data';
import { T0 } from './support/helpers';

const ns = 'BedrockWatch';
const svc = { service: 'bedrock-watch' };
const chart = (metrics: unknown[][], extra: Record<string, unknown> = {}): Widget => ({
  type: 'metric',
  x: 0,
  y: 0,
  width: 12,
  height: 6,
  properties: { title: 't', view: 'timeSeries', period: 60, metrics, ...extra },
});

function context(store: MetricStore, timelines: AlarmTimeline[] = []) {
  return {
    store,
    timelines,
    fromMs: T0,
    toMs: T0 + 10 * 60_000,
    region: 'us-east-1',
    isDerivable: (namespace: string) => namespace === ns,
  };
}

describe('widgetData', () => {
  it('finds one line per model with SEARCH, labelled by model id, and keeps SORT’s top n', () => {
    const store = new MetricStore();
    store.put({ namespace: ns, name: 'CostUSD', dimensions: { ...svc, ModelId: 'a' } }, T0, T0, 'None', [1]);
    store.put({ namespace: ns, name: 'CostUSD', dimensions: { ...svc, ModelId: 'b' } }, T0, T0, 'None', [5]);
    store.put({ namespace: ns, name: 'CostUSD', dimensions: svc }, T0, T0, 'None', [6]);
    const search = `SEARCH('{${ns},ModelId,service} MetricName="CostUSD"', 'Sum', 60)`;

    const all = widgetData(chart([[{ expression: search, id: 's' }]]), context(store));
    const top = widgetData(
      chart([[{ expression: `SORT(${search}, SUM, DESC, 1)`, id: 's' }]]),
      context(store),
    );

    expect(all.kind === 'chart' && all.series.map((s) => s.label).sort()).toEqual(['a', 'b']);
    expect(top.kind === 'chart' && top.series.map((s) => [s.label, s.points])).toEqual([['b', [[T0, 5]]]]);
  });

  it('sums a SEARCH into one line with SUM(SEARCH(…)), as the essential set’s all-models widgets do', () => {
    const store = new MetricStore();
    store.put(
      { namespace: 'AWS/Bedrock', name: 'InputTokenCount', dimensions: { ModelId: 'a' } },
      T0,
      T0,
      'Count',
      [3],
    );
    store.put(
      { namespace: 'AWS/Bedrock', name: 'InputTokenCount', dimensions: { ModelId: 'b' } },
      T0,
      T0,
      'Count',
      [4],
    );
    const expression = `SUM(SEARCH('{AWS/Bedrock,ModelId} MetricName="InputTokenCount"', 'Sum', 60))`;

    const data = widgetData(chart([[{ expression, id: 'in', label: 'input' }]]), context(store));

    expect(data.kind === 'chart' && data.series.map((s) => [s.label, s.points])).toEqual([
      ['input', [[T0, 7]]],
    ]);
  });

  it('shows a Contributor Insights widget as its top contributors, from what the simulator filed for the rule', () => {
    const store = new MetricStore();
    const put = (who: string, usd: number) =>
      store.put(
        { namespace: INSIGHT_RULE_NAMESPACE, name: 'r', dimensions: { [CONTRIBUTOR_DIMENSION]: who } },
        T0,
        T0,
        'None',
        [usd],
      );
    put('search', 5);
    put('ads', 1);
    put('web', 3);

    const data = widgetData(
      chart([], {
        metrics: undefined,
        insightRule: { ruleName: 'r', maxContributorCount: 2, orderBy: 'Sum' },
      }),
      context(store),
    );

    expect(data.kind === 'chart' && data.series.map((s) => s.label)).toEqual(['search', 'web']);
  });

  it('evaluates metric math over hidden lines by id', () => {
    const store = new MetricStore();
    store.put({ namespace: ns, name: 'Errors', dimensions: svc }, T0, T0, 'Count', [2]);
    store.put({ namespace: ns, name: 'Invocations', dimensions: svc }, T0, T0, 'Count', [8]);
    const lines = [
      [ns, 'Errors', 'service', 'bedrock-watch', { stat: 'Sum', id: 'e', visible: false }],
      [ns, 'Invocations', 'service', 'bedrock-watch', { stat: 'Sum', id: 'n', visible: false }],
      [{ expression: '100 * e / n', id: 'rate', label: 'rate' }],
    ];

    const data = widgetData(chart(lines), context(store));

    expect(data.kind === 'chart' && data.series).toEqual([
      { label: 'rate', points: [[T0, 25]], yAxis: 'left' },
    ]);
  });

  it('evaluates math over a SEARCH id once per series found, as the deployed calls-in-flight widget needs', () => {
    const store = new MetricStore();
    const latency = (model: string, ms: number[]) =>
      store.put(
        { namespace: ns, name: 'Latency', dimensions: { ...svc, ModelId: model } },
        T0,
        T0,
        'Milliseconds',
        ms,
      );
    latency('a', [60_000, 30_000]);
    latency('b', [120_000]);
    const params = parseStackParameters({});
    const names = ingestNames({ service: 'bedrock-watch', stage: 'dev' });
    const widget = buildDashboards(params, names, buildAlarmDefinitions(params, names))
      .flatMap((d) => d.body.widgets)
      .find((w) => String(w.properties.title).startsWith('Calls in flight per model')) as Widget;

    const data = widgetData(widget, context(store));

    expect(data.kind === 'chart' && data.unavailable).toEqual([]);
    expect(data.kind === 'chart' && data.series.map((s) => [s.label, s.points]).sort()).toEqual([
      ['a', [[T0, 1.5]]],
      ['b', [[T0, 2]]],
    ]);
  });

  it('shows dollars as USD and says why month to date is short of what the logs cost', () => {
    const store = new MetricStore();
    const run = T0 - (T0 % 3_600_000);
    store.put({ namespace: ns, name: 'CostUSD', dimensions: svc }, run - 60_000, run, 'None', [4]);
    store.put(
      { namespace: ns, name: 'CostUSD', dimensions: svc },
      run + 60_000,
      run + 60_000,
      'None',
      [2.26],
    );
    store.put({ namespace: ns, name: 'MonthToDateCostUSD', dimensions: svc }, run, run, 'None', [4]);
    const mtd = chart([[ns, 'MonthToDateCostUSD', 'service', 'bedrock-watch', { stat: 'Maximum' }]], {
      view: 'singleValue',
      period: 3600,
    });
    const ctx = { ...context(store), fromMs: run - 60_000, toMs: run + 30 * 60_000 };

    const data = widgetData(mtd, ctx);

    expect(data.kind === 'chart' && data.series[0]?.unit).toBe('USD');
    expect(data.kind === 'chart' && data.notes).toEqual([
      expect.stringMatching(/at its run of \d\d:00 UTC.*the replayed logs cost \$6\.26/),
    ]);
  });

  it('says why a line cannot be drawn instead of drawing it empty', () => {
    const store = new MetricStore();
    const lines = [
      ['AWS/Lambda', 'Errors', 'FunctionName', 'f', { stat: 'Sum', label: 'ingest errors' }],
      [
        ns,
        'Invocations',
        'service',
        'bedrock-watch',
        { stat: 'Sum', region: 'eu-west-1', label: 'eu-west-1' },
      ],
    ];

    const data = widgetData(chart(lines), context(store));

    expect(data.kind === 'chart' && data.derivedLines).toBe(0);
    expect(data.kind === 'chart' && data.unavailable).toEqual([
      'ingest errors: AWS/Lambda Errors is published by AWS or another function, not derived from the invocation logs',
      'eu-west-1: data of the stack in eu-west-1; the replayed logs stand for us-east-1',
    ]);
  });

  it('lays the thresholds and ALARM spans of the alarms that watch a line over it', () => {
    const store = new MetricStore();
    store.put({ namespace: ns, name: 'Latency', dimensions: svc }, T0, T0, 'Milliseconds', [4000]);
    const timeline = {
      definition: {
        kind: 'metric',
        key: 'lat',
        level: 'warning',
        threshold: 3000,
        queries: [
          {
            id: 'p95',
            metric: { namespace: ns, metricName: 'Latency', dimensions: svc, stat: 'p95', period: 60 },
            returnData: true,
          },
        ],
      },
      transitions: [
        { atMs: T0, state: 'OK', reason: '' },
        { atMs: T0 + 120_000, state: 'ALARM', reason: '' },
        { atMs: T0 + 240_000, state: 'OK', reason: '' },
      ],
    } as unknown as AlarmTimeline;

    const data = widgetData(
      chart([[ns, 'Latency', 'service', 'bedrock-watch', { stat: 'p95' }]]),
      context(store, [timeline]),
    );

    expect(data.kind === 'chart' && data.overlays).toEqual([
      {
        alarm: 'lat',
        yAxis: 'left',
        level: 'warning',
        threshold: 3000,
        bands: [[T0 + 120_000, T0 + 240_000]],
      },
    ]);
    expect(alarmBands(timeline, T0 + 600_000)).toEqual([[T0 + 120_000, T0 + 240_000]]);
  });
});

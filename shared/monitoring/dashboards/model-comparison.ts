import { ERROR_CLASSES } from '../../contract/error-classes';
import {
  AWS_BEDROCK_DIMENSION,
  AWS_BEDROCK_METRIC,
  AWS_BEDROCK_NAMESPACE,
  DIM_SERVICE,
  ERROR_METRICS,
  isPublished,
  METRIC,
  type PublishedMetric,
} from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { type DashboardDefinition, Grid, type MetricLine, modelLine, type StackNames } from './grid';
import { dashboardName } from './names';

/** A metric line given its options (stat, id, visibility). */
type MetricLineOf = (options: Record<string, unknown>) => MetricLine;

interface ComparisonScope {
  label: string;
  /** The watched model, or undefined for all models. */
  modelId?: string;
  /** Suffix that keeps metric ids unique across scopes in one widget. */
  i: number;
}

/** One line per watched model, or a single all-models line when none is watched. */
function comparisonScopes(params: StackParameters): ComparisonScope[] {
  const models = params.watchedModels;
  return models.length > 0
    ? models.map((m, i) => ({ label: m, modelId: m, i }))
    : [{ label: 'all models', i: 0 }];
}

/** A scope's line of a metric: ours, or AWS/Bedrock's per model where the metric set leaves it to AWS. */
function scopeLine(
  params: StackParameters,
  s: ComparisonScope,
  metric: PublishedMetric,
  options: Record<string, unknown>,
): MetricLine {
  return s.modelId === undefined
    ? [params.metricsNamespace, metric.name, DIM_SERVICE, params.serviceName, options]
    : modelLine(params, metric, s.modelId, options);
}

/**
 * The model-comparison dashboard (`<prefix>-model-comparison`): p95 latency, error rate, cost per
 * 1,000 invocations, output/input token ratio, truncation and guardrail-intervention rates of the
 * watched models side by side.
 */
export function modelComparisonDashboard(params: StackParameters, ctx: StackNames): DashboardDefinition {
  const models = params.watchedModels;
  const g = new Grid();
  g.text(
    `# ${params.serviceName}: model comparison\nSide by side for the watched models (parameter \`watchedModels\`${models.length === 0 ? ', empty: all models as one line' : ''}). Error rate: every class but throttling, as the alarms. Cost per 1,000 invocations counts failed calls in the denominator.`,
  );
  const scopes = comparisonScopes(params);
  const hidden = { visible: false };
  g.chart(
    'p95 latency (ms)',
    scopes.map((s) => scopeLine(params, s, METRIC.latency, { stat: 'p95', label: s.label })),
    { period: 300 },
  );
  /** Per scope: hidden Sum series (id prefix → metric) and one visible expression over their ids. */
  const derived = (
    inputs: (s: ComparisonScope) => [string, MetricLineOf][],
    idPrefix: string,
    expression: (id: (prefix: string) => string, s: ComparisonScope) => string,
    over: ComparisonScope[] = scopes,
  ) =>
    over.flatMap((s) => {
      const id = (prefix: string) => `${prefix}${s.i}`;
      return [
        ...inputs(s).map(([prefix, line]) => line({ stat: 'Sum', id: id(prefix), ...hidden })),
        [{ expression: expression(id, s), id: id(idPrefix), label: s.label }],
      ];
    });
  const of =
    (s: ComparisonScope, metric: PublishedMetric): MetricLineOf =>
    (options) =>
      scopeLine(params, s, metric, options);
  // As the error-rate alarms: throttling has its own rate and alarms, so it is not an error here.
  // Per error class where the set publishes them for the scope; else AWS/Bedrock's client + server errors.
  const errorClasses = ERROR_CLASSES.filter((c) => c !== 'Throttling');
  const classIds = errorClasses.map((c) => `e${c.toLowerCase()}`);
  const byClass = (s: ComparisonScope) =>
    s.modelId === undefined || isPublished(ERROR_METRICS.Validation, params.metricSet, 'model');
  const errorInputs = (s: ComparisonScope): [string, MetricLineOf][] =>
    byClass(s)
      ? errorClasses.map((c, k) => [classIds[k] as string, of(s, ERROR_METRICS[c])])
      : [
          [
            'ecli',
            (o) => [
              AWS_BEDROCK_NAMESPACE,
              AWS_BEDROCK_METRIC.clientErrors,
              AWS_BEDROCK_DIMENSION,
              s.modelId ?? '',
              o,
            ],
          ],
          [
            'esrv',
            (o) => [
              AWS_BEDROCK_NAMESPACE,
              AWS_BEDROCK_METRIC.serverErrors,
              AWS_BEDROCK_DIMENSION,
              s.modelId ?? '',
              o,
            ],
          ],
        ];
  g.chart(
    'Error rate (%)',
    derived(
      (s) => [...errorInputs(s), ['n', of(s, METRIC.invocations)]],
      'rate',
      (id, s) =>
        `100 * (${(byClass(s) ? classIds : ['ecli', 'esrv']).map((e) => `FILL(${id(e)}, 0)`).join(' + ')}) / ${id('n')}`,
    ),
    { period: 300 },
  );
  g.chart(
    'Cost per 1,000 invocations (USD)',
    derived(
      (s) => [
        ['c', of(s, METRIC.cost)],
        ['k', of(s, METRIC.invocations)],
      ],
      'per1k',
      (id) => `1000 * ${id('c')} / ${id('k')}`,
    ),
    { period: 3600 },
  );
  g.chart(
    'Output / input token ratio',
    derived(
      (s) => [
        ['o', of(s, METRIC.outputTokens)],
        ['i', of(s, METRIC.inputTokens)],
      ],
      'ratio',
      (id) => `${id('o')} / ${id('i')}`,
    ),
    { period: 3600 },
  );
  // Answer quality (docs/quality.md): the same metric math as the truncation- and guardrail-rate
  // alarms; a model's own line only where the set publishes the counter per model (AWS has none).
  const publishedFor = (metric: PublishedMetric): ComparisonScope[] =>
    isPublished(metric, params.metricSet, 'model') ? scopes : [{ label: 'all models', i: 0 }];
  g.chart(
    'Truncated answers (% of calls)',
    derived(
      (s) => [
        ['t', of(s, METRIC.truncatedAnswers)],
        ['tn', of(s, METRIC.invocations)],
      ],
      'trunc',
      (id) => `100 * FILL(${id('t')}, 0) / ${id('tn')}`,
      publishedFor(METRIC.truncatedAnswers),
    ),
    { period: 300 },
  );
  g.chart(
    'Guardrail interventions (% of calls)',
    derived(
      (s) => [
        ['gi', of(s, METRIC.guardrailInterventions)],
        ['gn', of(s, METRIC.invocations)],
      ],
      'guard',
      (id) => `100 * FILL(${id('gi')}, 0) / ${id('gn')}`,
      publishedFor(METRIC.guardrailInterventions),
    ),
    { period: 300 },
  );
  return {
    key: 'model-comparison',
    name: dashboardName(ctx.namePrefix, 'model-comparison'),
    body: { widgets: g.widgets },
  };
}

import { ERROR_CLASSES } from '../../contract/error-classes';
import { DIM_MODEL_ID, DIM_SERVICE, ERROR_METRICS, METRIC } from '../../contract/metrics';
import type { StackParameters } from '../parameters';
import { type DashboardContext, type DashboardDefinition, Grid } from './grid';

interface ComparisonScope {
  label: string;
  dims: string[];
  /** Suffix that keeps metric ids unique across scopes in one widget. */
  i: number;
}

/** One line per watched model, or a single all-models line when none is watched. */
function comparisonScopes(params: StackParameters): ComparisonScope[] {
  const models = params.watchedModels;
  return models.length > 0
    ? models.map((m, i) => ({ label: m, dims: [DIM_SERVICE, params.serviceName, DIM_MODEL_ID, m], i }))
    : [{ label: 'all models', dims: [DIM_SERVICE, params.serviceName], i: 0 }];
}

/**
 * The model-comparison dashboard (`<prefix>-model-comparison`): p95 latency, error rate, cost per
 * 1,000 invocations, output/input token ratio, truncation and guardrail-intervention rates of the
 * watched models side by side.
 */
export function modelComparisonDashboard(
  params: StackParameters,
  ctx: DashboardContext,
): DashboardDefinition {
  const ns = params.metricsNamespace;
  const models = params.watchedModels;
  const g = new Grid();
  g.text(
    `# ${params.serviceName}: model comparison\nSide by side for the watched models (parameter \`watchedModels\`${models.length === 0 ? ', empty: all models as one line' : ''}). Error rate: every class but throttling, as the alarms. Cost per 1,000 invocations counts failed calls in the denominator.`,
  );
  const scopes = comparisonScopes(params);
  const hidden = { visible: false };
  g.chart(
    'p95 latency (ms)',
    scopes.map((s) => [ns, METRIC.latency.name, ...s.dims, { stat: 'p95', label: s.label }]),
    { period: 300 },
  );
  /** Per scope: hidden Sum series (id prefix → metric) and one visible expression over their ids. */
  const derived = (
    inputs: [string, string][],
    idPrefix: string,
    expression: (id: (prefix: string) => string) => string,
  ) =>
    scopes.flatMap((s) => {
      const id = (prefix: string) => `${prefix}${s.i}`;
      return [
        ...inputs.map(([prefix, metric]) => [
          ns,
          metric,
          ...s.dims,
          { stat: 'Sum', id: id(prefix), ...hidden },
        ]),
        [{ expression: expression(id), id: id(idPrefix), label: s.label }],
      ];
    });
  // As the error-rate alarms: throttling has its own rate and alarms, so it is not an error here.
  const errorClasses = ERROR_CLASSES.filter((c) => c !== 'Throttling');
  const errorIds = errorClasses.map((c) => `e${c.toLowerCase()}`);
  g.chart(
    'Error rate (%)',
    derived(
      [
        ...errorClasses.map((c, k) => [errorIds[k] as string, ERROR_METRICS[c].name] as [string, string]),
        ['n', METRIC.invocations.name],
      ],
      'rate',
      (id) => `100 * (${errorIds.map((e) => `FILL(${id(e)}, 0)`).join(' + ')}) / ${id('n')}`,
    ),
    { period: 300 },
  );
  g.chart(
    'Cost per 1,000 invocations (USD)',
    derived(
      [
        ['c', METRIC.cost.name],
        ['k', METRIC.invocations.name],
      ],
      'per1k',
      (id) => `1000 * ${id('c')} / ${id('k')}`,
    ),
    { period: 3600 },
  );
  g.chart(
    'Output / input token ratio',
    derived(
      [
        ['o', METRIC.outputTokens.name],
        ['i', METRIC.inputTokens.name],
      ],
      'ratio',
      (id) => `${id('o')} / ${id('i')}`,
    ),
    { period: 3600 },
  );
  // Answer quality (docs/quality.md): the same metric math as the truncation- and guardrail-rate alarms.
  g.chart(
    'Truncated answers (% of calls)',
    derived(
      [
        ['t', METRIC.truncatedAnswers.name],
        ['tn', METRIC.invocations.name],
      ],
      'trunc',
      (id) => `100 * FILL(${id('t')}, 0) / ${id('tn')}`,
    ),
    { period: 300 },
  );
  g.chart(
    'Guardrail interventions (% of calls)',
    derived(
      [
        ['gi', METRIC.guardrailInterventions.name],
        ['gn', METRIC.invocations.name],
      ],
      'guard',
      (id) => `100 * FILL(${id('gi')}, 0) / ${id('gn')}`,
    ),
    { period: 300 },
  );
  return {
    key: 'model-comparison',
    name: `${ctx.namePrefix}-model-comparison`,
    body: { widgets: g.widgets },
  };
}

import { parseTeamBudgets } from '../../shared/alerts/budgets';
import { DEFAULT_METRIC_SET } from '../../shared/contract/metrics';
import { ConfigError, loadIngestConfig } from '../../shared/ingest/config';
import { seriesAccounts } from '../../shared/monitoring/alerting';
import type { StackParameters } from '../../shared/monitoring/parameters';
import { alertEnvironments } from './alert-environment';
import { type FunctionKey, ingestNames, type StackContext } from './names';
import { advisorEnvironment } from './weekly-advisor';

/**
 * A small young generation: the largest batch then peaks near 110 MiB instead of 134
 * (npm run -s measure-memory).
 */
export const INGEST_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=4';
/** The other functions only need their stack traces mapped to the sources. */
const NODE_OPTIONS = '--enable-source-maps';

const noInlineFiles = () => {
  throw new ConfigError('configJson must be inline JSON: the function package holds no other files');
};

/**
 * The ingest function's environment; checked here so a bad setting fails the package.
 * @throws ConfigError if the ingest configuration the environment describes is invalid.
 */
export function functionEnvironment(params: StackParameters): Record<string, string> {
  const environment: Record<string, string> = {
    NODE_OPTIONS: INGEST_NODE_OPTIONS,
    POWERTOOLS_SERVICE_NAME: params.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: params.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: params.logLevel,
    BEDROCK_WATCH_RESOLVE_INFERENCE_PROFILES: String(params.resolveInferenceProfiles),
  };
  if (params.metricSet !== DEFAULT_METRIC_SET) environment.BEDROCK_WATCH_METRIC_SET = params.metricSet;
  if (params.attributionKeys.length > 0) {
    environment.BEDROCK_WATCH_ATTRIBUTION = params.attributionKeys.join(',');
    environment.BEDROCK_WATCH_ATTRIBUTION_MAX_VALUES = String(params.attributionMaxValues);
  }
  // Only the values a budget names get a cost series (a bounded set; the rest are log lines).
  const budgeted = parseTeamBudgets(params.teamBudgets).map(
    (b) => `${b.key}/${Object.values(b.dimensions)[0]}`,
  );
  if (budgeted.length > 0) environment.BEDROCK_WATCH_BUDGETED_VALUES = JSON.stringify(budgeted);
  // Watched and budgeted accounts get their own few series; every other account none.
  const accounts = seriesAccounts(params);
  if (accounts.length > 0) environment.BEDROCK_WATCH_ACCOUNTS = accounts.join(',');
  if (params.configJson !== '') environment.BEDROCK_WATCH_CONFIG = params.configJson;
  // The function reads these at start; reading them here makes a bad value fail the package instead.
  loadIngestConfig(environment, noInlineFiles);
  return environment;
}

/**
 * The month-to-date function reads only the document's provisioned models (their hourly cost);
 * the rest of configJson (price overlays, profile maps) would only fill its 4 KB environment.
 */
function provisionedOnly(configJson: string): Record<string, string> {
  if (configJson === '') return {};
  const doc = JSON.parse(configJson) as { provisionedModels?: unknown };
  return doc.provisionedModels === undefined
    ? {}
    : { BEDROCK_WATCH_CONFIG: JSON.stringify({ provisionedModels: doc.provisionedModels }) };
}

/**
 * Each function's environment: only the variables it reads (Powertools' service, namespace and
 * log level where its Logger and Metrics read them, and its own settings), so no function carries
 * another's settings into Lambda's 4 KB.
 * @throws ConfigError if a configuration a function reads at start is invalid.
 * @throws AlertEnvironmentError if an alerting variable would not fit.
 */
export function functionEnvironments(
  params: StackParameters,
  ctx: StackContext,
): Record<FunctionKey, Record<string, string>> {
  const logs = {
    NODE_OPTIONS,
    POWERTOOLS_SERVICE_NAME: params.serviceName,
    POWERTOOLS_LOG_LEVEL: params.logLevel,
  };
  const withMetrics = { ...logs, POWERTOOLS_METRICS_NAMESPACE: params.metricsNamespace };
  // First: a bad configJson is the ingest loader's one line, not a JSON.parse error below.
  const ingest = functionEnvironment(params);
  const alerts = alertEnvironments(params, ctx);
  const monthToDate = { ...withMetrics, ...provisionedOnly(params.configJson), ...alerts.monthToDate };
  // Both read their namespace and service with the ingest function's loader, at import.
  loadIngestConfig(monthToDate, noInlineFiles);
  loadIngestConfig(withMetrics, noInlineFiles);
  return {
    ingest,
    monthToDate,
    reconcile: withMetrics,
    loggingConfig: logs,
    notifier: { ...withMetrics, ...alerts.notifier },
    failoverSwitch: { ...logs, ...alerts.failoverSwitch },
    // Prices, profiles and provisioned models as the ingest function reads them (the same configJson).
    weeklyAdvisor: {
      ...withMetrics,
      ...(params.configJson !== '' ? { BEDROCK_WATCH_CONFIG: params.configJson } : {}),
      ...advisorEnvironment(params, ingestNames(ctx)),
    },
  };
}

import { parseTeamBudgets } from '../../shared/alerts/budgets';
import { DEFAULT_METRIC_SET } from '../../shared/contract/metrics';
import { ConfigError, loadIngestConfig } from '../../shared/ingest/config';
import type { StackParameters } from '../../shared/monitoring/parameters';

/**
 * A small young generation: the largest batch then peaks near 110 MiB instead of 134
 * (npm run -s measure-memory).
 */
export const INGEST_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=4';

/**
 * The environment the functions run with (provider.environment); checked here so a bad setting
 * fails the package.
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
  if (params.configJson !== '') environment.BEDROCK_WATCH_CONFIG = params.configJson;
  // The function reads these at start; reading them here makes a bad value fail the package instead.
  loadIngestConfig(environment, () => {
    throw new ConfigError('configJson must be inline JSON: the function package holds no other files');
  });
  return environment;
}

/**
 * What `serverless package/deploy` was given, for deploy/resources.cjs: every parameter name from
 * `--param` and from serverless.yml's `params:` (this stage's and `default`), so a misspelt one is
 * refused instead of silently ignored, and the one line to print when a parameter is wrong.
 */
import { ConfigError } from '../shared/ingest/config';
import { StackParameterError } from '../shared/monitoring/parameters';
import { AlertEnvironmentError } from './stack/alert-environment';
import { StackLimitError } from './stack/limits';

/**
 * The parameter names given on the command line (`options.param`, each `name=value`) and under
 * `params.<stage>` and `params.default` in serverless.yml, once each, in that order.
 * @example givenParameterNames(['watchedModel=x'], { default: { metricsNamespace: 'N' } }, 'dev')
 * // ['watchedModel', 'metricsNamespace']
 */
export function givenParameterNames(cli: unknown, configParams: unknown, stage: string): string[] {
  const names = new Set<string>();
  for (const item of Array.isArray(cli) ? cli : cli === undefined || cli === null ? [] : [cli]) {
    // The framework splits at the first "=", as it does when it resolves ${param:…}.
    const name = String(item).split('=')[0]?.trim();
    if (name) names.add(name);
  }
  const sections = typeof configParams === 'object' && configParams !== null ? configParams : {};
  for (const section of [stage, 'default']) {
    const values = (sections as Record<string, unknown>)[section];
    if (typeof values === 'object' && values !== null)
      for (const name of Object.keys(values)) names.add(name);
  }
  return [...names];
}

/**
 * What a deployed stack defaults differently from the local tools: `serviceName`, the `service`
 * dimension of every series, is `<service>-<stage>`, so two stages in one account (same namespace)
 * publish separate series instead of adding into each other's budgets, quotas and bill drift.
 * A value given (even `bedrock-watch`, to keep an existing stack's series) is kept.
 * @example withStackDefaults({}, { service: 'bedrock-watch', stage: 'prod' }) // { serviceName: 'bedrock-watch-prod' }
 */
export function withStackDefaults(
  raw: Readonly<Record<string, unknown>>,
  ctx: { service: string; stage: string },
): Record<string, unknown> {
  const given = raw.serviceName !== undefined && raw.serviceName !== null && raw.serviceName !== '';
  return given ? { ...raw } : { ...raw, serviceName: `${ctx.service}-${ctx.stage}` };
}

/**
 * The one line to print for a mistake in the parameters or the configuration they carry, or
 * undefined for anything else (a bug, which keeps its stack trace).
 * @example packageErrorLine(new StackParameterError('kinesisShards: a stream needs at least 1 shard'))
 * // 'bedrock-watch: kinesisShards: a stream needs at least 1 shard (parameters: docs/deploy.md#parameters)'
 */
export function packageErrorLine(error: unknown): string | undefined {
  if (error instanceof StackParameterError || error instanceof ConfigError) {
    return `bedrock-watch: ${error.message} (parameters: docs/deploy.md#parameters)`;
  }
  if (error instanceof StackLimitError || error instanceof AlertEnvironmentError) {
    return `bedrock-watch: ${error.message} (limits: docs/deploy.md#aws-limits-checked-while-packaging)`;
  }
  return undefined;
}

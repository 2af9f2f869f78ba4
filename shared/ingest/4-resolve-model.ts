/**
 * Stage 4: which model a call bills as. Bedrock logs a model id in many forms (base id, ARN,
 * geographic or global inference profile, application inference profile, provisioned model);
 * pricing needs the base model and how the call was routed. Application inference profiles are
 * opaque ARNs in the logs, so this stage also keeps the map from profile to model: the configured
 * entries, plus what a lookup (bedrock:GetInferenceProfile) found, cached.
 */

export type Routing = 'in-region' | 'geo' | 'global';

export type ResolvedModel =
  | { kind: 'foundation'; baseModelId: string; routing: Routing }
  /** Application inference profiles, provisioned throughput and custom models: no token price. */
  | { kind: 'opaque'; resource: string };

const GEO_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca)\./;
const GLOBAL_PREFIX = /^global\./;
const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d{0,12}:([a-z-]+)\/(.+)$/;

/**
 * Resolves every model-id form Bedrock logs to the base model it bills as.
 * @example resolveModelId('us.anthropic.claude-3-5-sonnet-20240620-v1:0')
 *   // { kind: 'foundation', baseModelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', routing: 'geo' }
 */
export function resolveModelId(modelId: string): ResolvedModel {
  let id = modelId;
  const arn = BEDROCK_ARN.exec(modelId);
  if (arn) {
    const [, resource = '', rest = ''] = arn;
    if (resource !== 'foundation-model' && resource !== 'inference-profile') {
      return { kind: 'opaque', resource };
    }
    id = rest;
  }
  if (GLOBAL_PREFIX.test(id))
    return { kind: 'foundation', baseModelId: id.replace(GLOBAL_PREFIX, ''), routing: 'global' };
  if (GEO_PREFIX.test(id))
    return { kind: 'foundation', baseModelId: id.replace(GEO_PREFIX, ''), routing: 'geo' };
  return { kind: 'foundation', baseModelId: id, routing: 'in-region' };
}

/** No application inference profiles known. */
export const NO_PROFILES: ReadonlyMap<string, string> = new Map();

/** The part of an ARN after the resource type: `…:application-inference-profile/abc` → `abc`. */
export const resourceIdOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * Resolves a model id, following an application inference profile to the model it invokes when
 * the map knows it (by full ARN or by its id). Application profiles copied from a geographic
 * profile resolve to that profile, so its routing premium still applies.
 */
export function resolveWithProfiles(
  modelId: string,
  inferenceProfiles: ReadonlyMap<string, string>,
): ResolvedModel {
  const resolved = resolveModelId(modelId);
  if (resolved.kind !== 'opaque' || resolved.resource !== 'application-inference-profile') return resolved;
  const target = inferenceProfiles.get(modelId) ?? inferenceProfiles.get(resourceIdOf(modelId));
  if (target === undefined) return resolved;
  const inner = resolveModelId(target);
  return inner.kind === 'opaque' ? resolved : inner;
}

/** The application-inference-profile ARNs among a batch's model ids. */
export function applicationProfilesIn(modelIds: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const id of modelIds) {
    const resolved = resolveModelId(id);
    if (resolved.kind === 'opaque' && resolved.resource === 'application-inference-profile') found.add(id);
  }
  return [...found];
}

export interface ProfileResolverOptions {
  configured: Record<string, string>;
  /** Returns the model id (or system profile id) the profile invokes; throws on failure. */
  lookup?: (arn: string) => Promise<string | undefined>;
  now: () => number;
  /** How long a failed lookup is not retried. */
  retryAfterMs?: number;
  /** Upper bound on one batch's lookups, so a slow API cannot stall ingestion. */
  timeoutMs?: number;
}

export interface ProfileResolver {
  /** Resolves what it can of the given ARNs; never throws. Returns the failures, for a warning. */
  prepare(arns: readonly string[]): Promise<{ failed: string[] }>;
  readonly profiles: ReadonlyMap<string, string>;
}

export function createProfileResolver(options: ProfileResolverOptions): ProfileResolver {
  const profiles = new Map<string, string>(Object.entries(options.configured));
  const failedAt = new Map<string, number>();
  const retryAfter = options.retryAfterMs ?? 10 * 60_000;
  const timeout = options.timeoutMs ?? 2000;
  return {
    profiles,
    async prepare(arns) {
      const lookup = options.lookup;
      if (!lookup) return { failed: [] };
      const now = options.now();
      const wanted = arns.filter(
        (arn) =>
          !profiles.has(arn) &&
          !profiles.has(resourceIdOf(arn)) &&
          now - (failedAt.get(arn) ?? -Infinity) >= retryAfter,
      );
      const failed: string[] = [];
      await Promise.all(
        wanted.map(async (arn) => {
          try {
            const model = await Promise.race([
              lookup(arn),
              new Promise<never>((_, reject) =>
                setTimeout(() => reject(new Error('timeout')), timeout).unref(),
              ),
            ]);
            if (model) profiles.set(arn, model);
            else throw new Error('no model');
          } catch {
            failedAt.set(arn, now);
            failed.push(arn);
          }
        }),
      );
      return { failed };
    },
  };
}

/**
 * Application inference profiles are opaque ARNs in the logs. This keeps the map from profile to
 * model: the configured entries, plus what a lookup (bedrock:GetInferenceProfile) found, cached.
 */
import { resolveModelId, resourceIdOf } from './5-price';

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

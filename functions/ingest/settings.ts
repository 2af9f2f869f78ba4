/**
 * What the ingest function reads from its environment: the configuration, the bundled price table
 * with the configured overlay, attribution and inference profiles. The Lambda entry and the local
 * tools both start from it; each adds its own clock, logger and sinks.
 */
import { createProfileResolver } from '../../shared/ingest/4-resolve-model';
import { createPriceTable, type PriceData } from '../../shared/ingest/5-price';
import { AttributionResolver } from '../../shared/ingest/6-attribute';
import { loadIngestConfig } from '../../shared/ingest/config';
import priceData from '../../shared/ingest/price-table.json';
import type { IngestDependencies } from './ingest';

export type IngestSettings = Pick<IngestDependencies, 'config' | 'priceTable' | 'attribution' | 'profiles'>;

/**
 * The settings as the function reads them from `env`; `ownAccount` is the account whose callers
 * are named without it (the function's own; unset, the first caller's).
 * @throws ConfigError for a bad setting.
 */
export function loadIngestSettings(
  env: Readonly<Record<string, string | undefined>>,
  ownAccount?: string,
): IngestSettings {
  const config = loadIngestConfig(env);
  return {
    config,
    priceTable: createPriceTable(priceData as PriceData, config.priceOverlay),
    ...(config.attribution.keys.length > 0
      ? { attribution: new AttributionResolver(config.attribution, ownAccount) }
      : {}),
    profiles: createProfileResolver({
      configured: config.inferenceProfiles,
      now: Date.now,
      ...(config.resolveInferenceProfiles ? { lookup: lookupInferenceProfile } : {}),
    }),
  };
}

/**
 * bedrock:GetInferenceProfile, loaded on first use: the SDK comes from the Lambda runtime and stays
 * out of the bundle and out of cold starts that never meet an application profile.
 */
async function lookupInferenceProfile(arn: string): Promise<string | undefined> {
  const { BedrockClient, GetInferenceProfileCommand } = await import('@aws-sdk/client-bedrock');
  client ??= new BedrockClient({});
  const out = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn }));
  const modelArn = out.models?.[0]?.modelArn;
  // A profile copied from a system profile lists that profile's models: foundation-model ARNs.
  return modelArn ? modelArn.slice(modelArn.lastIndexOf('/') + 1) : undefined;
}
let client: import('@aws-sdk/client-bedrock').BedrockClient | undefined;

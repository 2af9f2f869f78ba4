import { DEFAULT_MAX_DECOMPRESSED_BYTES } from './limits';
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE } from './metric-contract';

export interface IngestConfig {
  namespace: string;
  service: string;
  maxDecompressedBytes: number;
}

/** A setting is wrong; raised at start so a bad deploy fails loudly, not per record. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const NAMESPACE = /^[A-Za-z0-9 ._\-/#:]{1,255}$/;

/**
 * Reads the ingest settings from environment variables (the same names Powertools uses, so its
 * own metrics land in the same namespace and service).
 */
export function loadIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE;
  if (!NAMESPACE.test(namespace) || namespace.startsWith('AWS/')) {
    throw new ConfigError(
      `POWERTOOLS_METRICS_NAMESPACE "${namespace}" is not a valid custom namespace (1-255 of A-Z a-z 0-9 . - _ / # : space, not AWS/)`,
    );
  }
  const service = env.POWERTOOLS_SERVICE_NAME || DEFAULT_SERVICE;
  if (!/^[\x21-\x7e]{1,1024}$/.test(service)) {
    throw new ConfigError(`POWERTOOLS_SERVICE_NAME "${service}" must be 1-1024 printable ASCII characters`);
  }
  const rawMax = env.BEDROCK_WATCH_MAX_DECOMPRESSED_BYTES;
  const maxDecompressedBytes = rawMax ? Number(rawMax) : DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!Number.isSafeInteger(maxDecompressedBytes) || maxDecompressedBytes < 1024) {
    throw new ConfigError(
      `BEDROCK_WATCH_MAX_DECOMPRESSED_BYTES "${rawMax}" must be an integer of at least 1024`,
    );
  }
  return { namespace, service, maxDecompressedBytes };
}

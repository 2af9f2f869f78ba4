/**
 * Destination secrets by name: SSM Parameter Store SecureString (decrypted) or Secrets Manager,
 * cached for a few minutes per container so a burst of alarms does not hammer either, and a
 * rotated secret is picked up soon after. Values are returned to the caller only, never logged.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { SecretRef } from '../../shared/alerts/routing';
import type { AwsJsonCall } from './aws-json';

export const SECRET_CACHE_MS = 5 * 60_000;

/** A secret could not be read (missing, denied, or not a string); the message names the secret only. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
}

/**
 * The resolver the notifier reads secrets with.
 * @example const secret = createSecretResolver({ ssm, secretsManager, now: Date.now }); await secret({ store: 'ssm', name: '/bw/slack' })
 */
export function createSecretResolver(deps: {
  ssm: Pick<SSMClient, 'send'>;
  secretsManager: AwsJsonCall;
  now: () => number;
}) {
  const cache = new Map<string, { value: string; at: number }>();
  const read = async (ref: SecretRef): Promise<string | undefined> => {
    if (ref.store === 'ssm') {
      const out = await deps.ssm.send(new GetParameterCommand({ Name: ref.name, WithDecryption: true }));
      return out.Parameter?.Value;
    }
    const out = await deps.secretsManager('GetSecretValue', { SecretId: ref.name });
    return typeof out.SecretString === 'string' ? out.SecretString : undefined;
  };
  return async (ref: SecretRef): Promise<string> => {
    const key = `${ref.store}:${ref.name}`;
    const hit = cache.get(key);
    if (hit && deps.now() - hit.at < SECRET_CACHE_MS) return hit.value;
    let value: string | undefined;
    try {
      value = await read(ref);
    } catch (error) {
      throw new SecretUnavailableError(`${key}: ${error instanceof Error ? error.name : 'error'}`);
    }
    if (value === undefined) throw new SecretUnavailableError(`${key}: no string value`);
    cache.set(key, { value, at: deps.now() });
    return value;
  };
}

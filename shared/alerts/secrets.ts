/**
 * What a destination's secret holds, read from its SecureString parameter or Secrets Manager
 * secret: a webhook URL, a PagerDuty routing key or an Opsgenie API key, or a JSON object with
 * extras (an EU endpoint, a webhook's auth header). Error messages never quote the value.
 */
import { isObject } from '../json';
import type { TargetType } from './routing';
import { AlertSpecError } from './spec-error';

export type DestinationSecret =
  | { type: 'slack' | 'teams'; url: string }
  | { type: 'webhook'; url: string; headers: Record<string, string> }
  | { type: 'pagerduty'; routingKey: string; endpoint: string }
  | { type: 'opsgenie'; apiKey: string; apiUrl: string };

export const PAGERDUTY_ENDPOINT = 'https://events.pagerduty.com/v2/enqueue';
export const OPSGENIE_API = 'https://api.opsgenie.com';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** HTTPS only, so secrets and alert contents never cross the network in clear; loopback for tests. */
function checkedUrl(raw: unknown, what: string): string {
  if (typeof raw !== 'string') throw new AlertSpecError(`${what} is missing`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AlertSpecError(`${what} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new AlertSpecError(`${what} must be an https URL`);
  return url.toString().replace(/\/$/, '');
}

function asJson(raw: string): Record<string, unknown> | undefined {
  if (!raw.trim().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isObject(value) ? value : undefined;
  } catch {
    throw new AlertSpecError('the secret starts like JSON but is not JSON');
  }
}

const stringMap = (v: unknown): Record<string, string> =>
  isObject(v)
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

/**
 * A destination's secret value, checked for its type.
 * @throws AlertSpecError saying what is wrong, never what the value is.
 * @example parseDestinationSecret('pagerduty', '{"routingKey": "…", "endpoint": "https://events.eu.pagerduty.com/v2/enqueue"}')
 */
export function parseDestinationSecret(type: TargetType, raw: string): DestinationSecret {
  const json = asJson(raw);
  switch (type) {
    case 'slack':
    case 'teams':
      return { type, url: checkedUrl(json ? json.url : raw, `the ${type} webhook URL`) };
    case 'webhook':
      return {
        type,
        url: checkedUrl(json ? json.url : raw, 'the webhook URL'),
        headers: stringMap(json?.headers),
      };
    case 'pagerduty': {
      const routingKey = json ? json.routingKey : raw.trim();
      if (typeof routingKey !== 'string' || !/^[A-Za-z0-9]{32}$/.test(routingKey))
        throw new AlertSpecError('the PagerDuty routing key must be the 32-character integration key');
      const endpoint =
        json?.endpoint === undefined ? PAGERDUTY_ENDPOINT : checkedUrl(json.endpoint, 'endpoint');
      return { type, routingKey, endpoint };
    }
    case 'opsgenie': {
      const apiKey = json ? json.apiKey : raw.trim();
      if (typeof apiKey !== 'string' || !/^[A-Za-z0-9-]{8,128}$/.test(apiKey))
        throw new AlertSpecError('the Opsgenie API key is missing or malformed');
      const apiUrl = json?.apiUrl === undefined ? OPSGENIE_API : checkedUrl(json.apiUrl, 'apiUrl');
      return { type, apiKey, apiUrl };
    }
  }
}

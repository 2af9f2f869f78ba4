/**
 * Which URLs a destination's secret may name. HTTPS only, so secrets and alert contents never cross
 * the network in clear, and never an internal address: in Lambda, 127.0.0.1:9001 is the Runtime API
 * and 169.254.169.254 the metadata service, and a private address reaches into the VPC. Services
 * with documented endpoints (PagerDuty, Opsgenie) get a key only at those hosts. Tests, whose
 * receivers listen on 127.0.0.1, pass a policy that allows loopback; the notifier's wiring never does.
 */
import { isIP } from 'node:net';
import { AlertSpecError } from '../spec-error';

export interface UrlPolicy {
  /** Allow http://127.0.0.1 and the like, and loopback in place of a documented host: tests only. */
  allowLoopback: boolean;
}

export const STRICT_URLS: UrlPolicy = { allowLoopback: false };

const INTERNAL_NAMES = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa)$/i;

function ipv4Internal(ip: string): boolean {
  const [a = 0, b = 0] = ip.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b < 128) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b < 32) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function ipv6Internal(ip: string): boolean {
  const v6 = ip.toLowerCase().replace(/^\[|\]$/g, '');
  // IPv4-mapped, in dotted or hex form (the URL parser writes ::ffff:7f00:1).
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(v6);
  if (mapped) {
    if (mapped[1]) return ipv4Internal(mapped[1]);
    const hi = Number.parseInt(mapped[2] ?? '0', 16);
    const lo = Number.parseInt(mapped[3] ?? '0', 16);
    return ipv4Internal(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return (
    v6 === '::' ||
    v6 === '::1' ||
    /^f[cd]/.test(v6) ||
    /^fe[89ab]/.test(v6) ||
    /^ff/.test(v6) ||
    v6.startsWith('64:ff9b:')
  );
}

/** Loopback, private, link-local, shared, multicast or unspecified: not a place to send alerts. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const kind = isIP(bare);
  if (kind === 4) return ipv4Internal(bare);
  if (kind === 6) return ipv6Internal(bare);
  return INTERNAL_NAMES.test(bare);
}

export const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|\[::1\]|::1|localhost)$/i.test(host);

/**
 * A destination URL, checked; `hosts`, when given, are the only hosts allowed.
 * @throws AlertSpecError saying what is wrong, never quoting the URL (it may hold a key).
 */
export function checkedUrl(raw: unknown, what: string, policy: UrlPolicy, hosts?: readonly string[]): string {
  if (typeof raw !== 'string') throw new AlertSpecError(`${what} is missing`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AlertSpecError(`${what} is not a URL`);
  }
  const loopbackAllowed = policy.allowLoopback && isLoopback(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackAllowed))
    throw new AlertSpecError(`${what} must be an https URL`);
  if (!loopbackAllowed && isInternalAddress(url.hostname))
    throw new AlertSpecError(`${what} points at an internal address`);
  if (hosts && !loopbackAllowed && !hosts.includes(url.hostname.toLowerCase()))
    throw new AlertSpecError(`${what} must be on ${hosts.join(' or ')}`);
  if (url.username || url.password) throw new AlertSpecError(`${what} must not carry credentials`);
  return url.toString().replace(/\/$/, '');
}

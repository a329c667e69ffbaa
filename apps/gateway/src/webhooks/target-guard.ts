import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses a webhook never goes to unless its host is allowed by configuration:
 * loopback, "this network", private ranges, carrier-grade NAT, link-local (cloud metadata at
 * 169.254.169.254), multicast and reserved ranges, and their IPv6 equivalents (with IPv4-mapped ones).
 */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  BLOCKED.addSubnet(net, prefix, 'ipv6');

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
    return BLOCKED.check(address, 'ipv6');
  }
  return true;
}

export interface TargetPolicy {
  /** `host` or `host:port` entries that may be private (a local receiver, an on-premises ERP). */
  allowedTargets: readonly string[];
  /** Plain http allowed (local mode); otherwise https only. */
  allowHttp: boolean;
  /** The suite's own services (`host:port`), never a target unless allowed. */
  suiteHosts: readonly string[];
}

export class TargetRefused extends Error {}

function hostPort(url: URL): { host: string; hostAndPort: string } {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return { host, hostAndPort: `${host}:${port}` };
}

function allowed(policy: TargetPolicy, url: URL): boolean {
  const { host, hostAndPort } = hostPort(url);
  return policy.allowedTargets.some((t) => t.toLowerCase() === host || t.toLowerCase() === hostAndPort);
}

/** Why a URL may not be a webhook target (syntax, scheme, the suite's own hosts), or undefined. */
export function refusedUrl(raw: string, policy: TargetPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.protocol === 'http:' && !policy.allowHttp) return 'must use https';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not carry a fragment';
  if (allowed(policy, url)) return undefined;
  const { hostAndPort } = hostPort(url);
  if (policy.suiteHosts.map((h) => h.toLowerCase()).includes(hostAndPort))
    return "must not be one of the suite's own services";
  const { host } = hostPort(url);
  if (host === 'localhost' || host.endsWith('.localhost'))
    return 'must not be a loopback, private or link-local address';
  if (isIP(host) && isBlockedAddress(host)) return 'must not be a loopback, private or link-local address';
  return undefined;
}

/** Resolves a host as a connection would, refusing it when any address is blocked. */
export function resolvePublic(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return reject(error);
      const blocked = addresses.find((a) => isBlockedAddress(a.address));
      if (blocked) return reject(new TargetRefused(`${host} resolves to a blocked address (${blocked.address})`));
      resolve(addresses);
    }),
  );
}

/**
 * A `lookup` for the delivery sockets: the address is checked when the connection is made, so a
 * name that resolved to a public address when the subscription was saved and now points inside
 * (DNS rebinding) is refused. Hosts in `allowedHosts` resolve as usual.
 */
export function guardedLookup(allowedHosts: readonly string[]): LookupFunction {
  const open = new Set(allowedHosts.map((h) => h.toLowerCase().replace(/:\d+$/, '')));
  return (hostname, options, callback) => {
    const host = hostname.toLowerCase();
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (!open.has(host)) {
        const blocked = addresses.find((a) => isBlockedAddress(a.address));
        if (blocked)
          return callback(new TargetRefused(`${host} resolves to a blocked address (${blocked.address})`), '', 0);
      }
      if (all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export interface ClientAddress {
  /** The address the gateway takes for the client: rate limit key and audit. */
  ip: string;
  /** The X-Forwarded-For to send on: only the hops that can be trusted, ending with the peer. */
  forwardedFor: string;
}

/**
 * Who the client is, by the network, not by what it claims. With no trusted
 * proxy in front (TRUST_PROXY_HOPS=0) a client's own X-Forwarded-For is
 * ignored, so it cannot pick an address to dodge the rate limit; behind N
 * proxies the client is the N-th address from the right.
 */
export function clientAddress(
  peer: string,
  xForwardedFor: string | string[] | undefined,
  trustedHops: number,
): ClientAddress {
  if (trustedHops === 0) return { ip: peer, forwardedFor: peer };
  const claimed = (Array.isArray(xForwardedFor) ? xForwardedFor.join(',') : (xForwardedFor ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const chain = [...claimed, peer];
  const at = Math.max(0, chain.length - 1 - trustedHops);
  return { ip: chain[at], forwardedFor: chain.slice(at).join(', ') };
}

import type { Principal } from '@crm/platform';
import type { FastifyRequest } from 'fastify';
import { clientAddress } from './client-address';

/** What the gateway learns about a request on its way through. */
export interface GatewayRequestContext {
  /** performance.now() when the request arrived. */
  startedAt: number;
  at: Date;
  /** Read on arrival (after the response the socket may be gone); see clientAddress. */
  clientIp: string;
  forwardedFor: string;
  caller?: Principal;
  /** The service the request was forwarded to. */
  service?: string;
  /** The audit entry written before a write was handled, completed once it has been answered. */
  auditId?: string;
}

const contexts = new WeakMap<FastifyRequest, GatewayRequestContext>();

export function startRequestContext(request: FastifyRequest, trustedProxyHops: number): GatewayRequestContext {
  const address = clientAddress(
    request.raw.socket?.remoteAddress ?? '',
    request.headers['x-forwarded-for'],
    trustedProxyHops,
  );
  const context: GatewayRequestContext = {
    startedAt: performance.now(),
    at: new Date(),
    clientIp: address.ip,
    forwardedFor: address.forwardedFor,
  };
  contexts.set(request, context);
  return context;
}

export function requestContext(request: FastifyRequest): GatewayRequestContext | undefined {
  return contexts.get(request);
}

import type { Principal } from '@crm/platform';
import type { FastifyRequest } from './fastify-types';

/** What the gateway learns about a request on its way through. */
export interface GatewayRequestContext {
  /** performance.now() when the request arrived. */
  startedAt: number;
  at: Date;
  caller?: Principal;
  /** The service the request was forwarded to. */
  service?: string;
}

const contexts = new WeakMap<FastifyRequest, GatewayRequestContext>();

export function startRequestContext(request: FastifyRequest): GatewayRequestContext {
  const context: GatewayRequestContext = { startedAt: performance.now(), at: new Date() };
  contexts.set(request, context);
  return context;
}

export function requestContext(request: FastifyRequest): GatewayRequestContext | undefined {
  return contexts.get(request);
}

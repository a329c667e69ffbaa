import type { Principal } from '@crm/platform';

/** What the gateway learns about a request on its way through. */
export interface GatewayRequestContext {
  /** performance.now() when the request arrived. */
  startedAt: number;
  at: Date;
  caller?: Principal;
  /** The service the request was forwarded to. */
  service?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    gateway: GatewayRequestContext | null;
  }
}

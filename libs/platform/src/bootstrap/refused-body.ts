import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** Past this much of a refused body the connection is cut rather than read to the end. */
export const DISCARD_AT_MOST = 64 * 1024 * 1024;

export interface RefusedBodySettings {
  /** While true (shutdown drain) the connection closes after the 413 instead of staying open. */
  draining(): boolean;
  /** Called once per body refused after its route started reading it (e.g. a metric). */
  onRefused(): void;
}

const settings = new WeakMap<FastifyInstance, RefusedBodySettings>();

/** Lets the app say when it is draining and count refused bodies; one call per Fastify instance. */
export function configureRefusedBodies(fastify: FastifyInstance, s: Partial<RefusedBodySettings>): void {
  settings.set(fastify, { draining: () => false, onRefused: () => undefined, ...settings.get(fastify), ...s });
}

/**
 * After refusing a body, reads and drops what the client is still sending, up to a bound: a client
 * still writing into a closed connection sees a broken pipe, not the 413. Past the bound the
 * connection is cut.
 */
export function discardRest(raw: IncomingMessage, maxBytes = DISCARD_AT_MOST): void {
  let dropped = 0;
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) raw.socket.destroy();
  });
  raw.resume();
}

/**
 * Fastify refuses a body over the limit (413) without reading it and closes the connection, so a
 * client still writing it (Node, undici, the gateway forwarding a stream) gets EPIPE or a reset
 * instead of the 413, and loses its keep-alive connection. Here the rest of a refused body is
 * read and dropped instead, up to DISCARD_AT_MOST, and the connection stays open, unless the app
 * is draining for shutdown (configureRefusedBodies), when `connection: close` is kept.
 */
export function keepConnectionAfterRefusedBody(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const raw = request.raw;
    if (reply.statusCode !== 413 || raw.complete || raw.destroyed || raw.listenerCount('data') > 0) return payload;
    const s = settings.get(fastify);
    s?.onRefused();
    discardRest(raw);
    if (!s?.draining()) reply.removeHeader('connection');
    return payload;
  });
}

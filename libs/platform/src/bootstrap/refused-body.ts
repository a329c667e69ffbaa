import type { FastifyInstance } from 'fastify';

/** Past this much of a refused body the connection is cut rather than read to the end. */
const DISCARD_AT_MOST = 64 * 1024 * 1024;

/**
 * Fastify refuses a body over the limit (413) without reading it and closes the connection, so a
 * client still writing it (Node, undici, the gateway forwarding a stream) gets EPIPE or a reset
 * instead of the 413, and loses its keep-alive connection. Here the rest of a refused body is
 * read and dropped instead, up to DISCARD_AT_MOST, and the connection stays open.
 */
export function keepConnectionAfterRefusedBody(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const raw = request.raw;
    if (reply.statusCode !== 413 || raw.complete || raw.destroyed || raw.listenerCount('data') > 0) return payload;
    let dropped = 0;
    raw.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > DISCARD_AT_MOST) raw.socket.destroy();
    });
    raw.resume();
    reply.removeHeader('connection');
    return payload;
  });
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type Problem } from '@crm/platform';

/**
 * Answers a request the gateway refuses before any Nest handler runs (edge
 * hooks, the proxy), in the same problem+json shape as the platform's filter.
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, body: Problem): FastifyReply {
  body.instance = pathOnly(request.url);
  body.requestId = String(request.id);
  return reply.code(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

/** A request URL without its query string: what logs, problems and the audit log show (a query can carry personal data). */
export function pathOnly(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

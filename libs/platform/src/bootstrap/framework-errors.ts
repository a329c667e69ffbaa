import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { clientPath } from '../errors/client-path';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from '../errors/problem';

/**
 * Fastify answers a few errors itself, before any route or Nest filter runs
 * (a URL that does not decode, a path parameter past `maxParamLength`). These
 * answer them as problems like every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const found =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? problem(414, 'PATH_TOO_LONG', 'A path segment of this request is too long', {
          errors: [{ field: 'path', message: 'a segment is too long' }],
        })
      : error.code === 'FST_ERR_BAD_URL'
        ? problem(400, 'URL_INVALID', 'The request path is not a valid URL (bad percent-encoding)', {
            errors: [{ field: 'path', message: 'is not valid percent-encoding' }],
          })
        : problem(400, 'BAD_REQUEST', 'The request could not be routed');
  const body: Problem = { ...found, instance: safePath(request), requestId: String(request.id) };
  void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

/** The path that could not be decoded is shown as received, cut short. */
function safePath(request: FastifyRequest): string {
  return clientPath(request).slice(0, 200);
}

/**
 * Errors Node's HTTP parser raises before a request exists (headers too large,
 * a request that is not HTTP, a client too slow): answered on the socket as
 * problems, then the connection is closed as Node does.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const found =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(431, 'HEADERS_TOO_LARGE', 'The request headers are too large', {
          errors: [{ field: 'headers', message: 'are too large' }],
        })
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(408, 'REQUEST_TIMEOUT', 'The request took too long to arrive')
        : problem(400, 'BAD_REQUEST', 'The request is not valid HTTP');
  const body = JSON.stringify(found);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${found.status} ${STATUS_CODES[found.status] ?? 'Error'}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

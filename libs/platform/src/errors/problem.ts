import { HttpException } from '@nestjs/common';
import { DomainError, type FieldProblem } from './domain-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with the stable `code` and the request id. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problemType(code: string): string {
  return `urn:crm:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, code, ...extra };
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'The request body is too large'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'MALFORMED_JSON', 'The request body is empty but declared as JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'The Content-Length header does not match the body'],
};

/** Maps anything thrown while handling a request to a problem; unknown errors give a bare 500. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    return problem(error.status, error.code, error.message, error.extra);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    if (status === 404) return problem(404, 'ROUTE_NOT_FOUND', 'No route matches this method and path');
    if (status === 405) return problem(405, 'METHOD_NOT_ALLOWED', 'This method is not allowed here');
    const message =
      typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : error.message;
    // Fastify's body-parsing errors reach Nest's filters as plain HttpExceptions.
    if (status === 400 && /JSON/i.test(message)) return problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
    if (status === 413) return problem(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
    if (status === 415) return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json');
    const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'PERMISSION_DENIED' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR';
    return problem(status, code, status < 500 ? message : 'An unexpected error occurred');
  }
  const fe = error as FastifyLikeError;
  if (fe && typeof fe.code === 'string') {
    const known = FASTIFY_CODES[fe.code];
    if (known) return problem(known[0], known[1], known[2]);
    if (fe.code.startsWith('FST_ERR_CTP') || (error instanceof SyntaxError && fe.statusCode === 400)) {
      return problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
    }
  }
  if (error instanceof SyntaxError || (fe?.statusCode === 400 && /JSON/i.test(fe.message ?? ''))) {
    return problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return problem(fe.statusCode, 'BAD_REQUEST', fe.message ?? 'Bad request');
  }
  return problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred');
}

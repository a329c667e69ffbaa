import { HttpException } from '@nestjs/common';
import { errorCodes as fastifyErrors } from 'fastify';
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
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `urn:crm:problem:<code in lower kebab case>`, stable for a code. */
export function problemType(code: string): string {
  return `urn:crm:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return {
    ...extra,
    type: problemType(code),
    title: TITLES[status] ?? (status >= 500 ? 'Error' : 'Bad Request'),
    status,
    detail,
    code,
  };
}

const malformedJson = () => problem(400, 'MALFORMED_JSON', 'The request body is not valid JSON');
const tooLarge = () => problem(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
const unsupportedMediaType = () => problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json');
const internal = () => problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred');

// Nest turns Fastify's body-parsing errors into `new HttpException(err.message, err.statusCode)`,
// dropping their codes; their messages are fixed, so they identify the error.
const JSON_BODY_MESSAGES = new Set([
  new fastifyErrors.FST_ERR_CTP_INVALID_JSON_BODY().message,
  new fastifyErrors.FST_ERR_CTP_EMPTY_JSON_BODY().message,
]);

function fromFastifyCode(code: string, statusCode: number | undefined): Problem | undefined {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return malformedJson();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(400, 'BAD_REQUEST', 'The Content-Length header does not match the body');
    default:
      return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500
        ? problem(statusCode, 'BAD_REQUEST', 'The request could not be read')
        : undefined;
  }
}

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  const response = error.getResponse();
  const message =
    typeof response === 'object' && response !== null && 'message' in response
      ? [(response as { message: unknown }).message].flat().map(String).join('; ')
      : error.message;
  if (status === 404) {
    // Nest's not-found handler says "Cannot GET /path"; anything else is a controller's 404.
    return /^Cannot [A-Z]+ /.test(message)
      ? problem(404, 'ROUTE_NOT_FOUND', 'No route matches this method and path')
      : problem(404, 'NOT_FOUND', message);
  }
  if (status === 400 && JSON_BODY_MESSAGES.has(message)) return malformedJson();
  if (status === 413) return tooLarge();
  if (status === 415) return unsupportedMediaType();
  if (status === 405) return problem(405, 'METHOD_NOT_ALLOWED', 'This method is not allowed here');
  if (status === 401) return problem(401, 'UNAUTHENTICATED', message);
  if (status === 403) return problem(403, 'PERMISSION_DENIED', message);
  if (status === 429) return problem(429, 'TOO_MANY_REQUESTS', message);
  if (status >= 500)
    return status === 500 ? internal() : problem(status, 'UNAVAILABLE', 'The service cannot answer now');
  return problem(status, 'BAD_REQUEST', message);
}

/**
 * Postgres errors that escaped the service's own checks (SQLSTATE in `code`,
 * as pg and TypeORM's QueryFailedError carry it): contention is 409/503 to
 * retry, a value Postgres refuses is the caller's 400, not a 500.
 */
function fromPostgresCode(code: string): Problem | undefined {
  if (code === '40001' || code === '40P01') {
    return problem(409, 'CONCURRENT_UPDATE', 'Another change to the same records got in the way; retry the request', {
      retryable: true,
    });
  }
  if (code === '55P03' || code === '57014' || code === '53300')
    return problem(503, 'UNAVAILABLE', 'The service cannot answer now; retry shortly');
  if (code.startsWith('22'))
    return problem(
      400,
      'INVALID_VALUE',
      'A value in the request cannot be stored (invalid characters or out of range)',
    );
  return undefined;
}

interface ErrorWithCode {
  code?: unknown;
  statusCode?: unknown;
  status?: unknown;
}

/**
 * Maps anything thrown while handling a request to a problem. Domain errors
 * keep their code; Nest and Fastify errors get stable codes; anything else is
 * a bare 500 that leaks nothing (the caller logs it).
 */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) return problem(error.status, error.code, error.message, error.extra);
  if (error instanceof HttpException) return fromHttpException(error);
  if (typeof error === 'object' && error !== null) {
    const e = error as ErrorWithCode;
    const statusCode =
      typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : undefined;
    if (typeof e.code === 'string' && e.code.startsWith('FST_')) {
      const mapped = fromFastifyCode(e.code, statusCode);
      if (mapped) return mapped;
    }
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && 'severity' in e) {
      const mapped = fromPostgresCode(e.code);
      if (mapped) return mapped;
    }
    // A JSON parser's own SyntaxError, flagged as a client error by Fastify.
    if (error instanceof SyntaxError && statusCode === 400) return malformedJson();
  }
  return internal();
}

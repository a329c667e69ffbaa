import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { allowedMethods } from '../bootstrap/allowed-methods';
import { clientPath } from './client-path';
import { DomainError } from './domain-error';
import { PROBLEM_CONTENT_TYPE, problem, toProblem, type Problem } from './problem';

/**
 * Every error leaves in one shape, decided here and nowhere else: HTTP
 * requests get application/problem+json, request-reply callers get the same
 * fields as the error of their reply.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void | Observable<never> {
    const type = host.getType();
    if (type === 'rpc') return this.rpc(error, host);
    if (type !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    let found = toProblem(error);
    const allow = found.code === 'ROUTE_NOT_FOUND' ? allowedMethods(request.server, request.url) : [];
    if (allow.length)
      found = problem(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allow.join(', ')}`, {
        allow,
      });
    const body: Problem = { ...found, instance: clientPath(request), requestId: String(request.id) };
    if (body.status >= 500 && !(error instanceof DomainError)) {
      this.logUnexpected(error, `${request.method} ${body.instance} (request ${body.requestId})`);
    }
    if (reply.sent) return;
    if (body.status === 401) void reply.header('www-authenticate', 'Bearer');
    if (allow.length) void reply.header('allow', allow.join(', '));
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  private rpc(error: unknown, host: ArgumentsHost): Observable<never> {
    const body = toProblem(error);
    if (body.status >= 500 && !(error instanceof DomainError)) {
      const pattern = host.switchToRpc().getContext<{ getSubject?: () => string }>()?.getSubject?.() ?? 'request-reply';
      this.logUnexpected(error, pattern);
    }
    const { detail, ...rest } = body;
    return throwError(() => ({ ...rest, status: 'error', statusCode: body.status, message: detail }));
  }

  private logUnexpected(error: unknown, where: string): void {
    if (error instanceof Error) this.logger.error(`${where} failed: ${error.name}: ${error.message}`, error.stack);
    else this.logger.error(`${where} failed: ${String(error)}`);
  }
}

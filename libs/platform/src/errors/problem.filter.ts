import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

/** Every error of an HTTP request leaves as application/problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toProblem(error);
    body.instance = request.url.split('?')[0];
    body.requestId = String(request.id);
    if (body.status >= 500 && !(error instanceof DomainError)) {
      this.logger.error(`${request.method} ${request.url} failed: ${(error as Error)?.stack ?? String(error)}`);
    }
    if (reply.sent) return;
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }
}

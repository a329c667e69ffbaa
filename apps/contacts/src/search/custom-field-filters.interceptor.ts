import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

/**
 * Folds `cf.<key>=value` query parameters into one `cf` object before the
 * query is validated, so the DTO can refuse every other unknown parameter.
 */
@Injectable()
export class CustomFieldFiltersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = (request.query ?? {}) as Record<string, unknown>;
    const filters: Record<string, unknown> = {};
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(query)) {
      if (key.startsWith('cf.')) filters[key.slice(3)] = value;
      else rest[key] = value;
    }
    if (Object.keys(filters).length) request.query = { ...rest, cf: filters };
    return next.handle();
  }
}

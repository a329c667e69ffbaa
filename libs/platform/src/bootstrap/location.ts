import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { forwardedPrefix } from '../errors/client-path';
import { allowedMethods } from './allowed-methods';

/**
 * Gives every 201 a `Location`, with the prefix the client used in front
 * (X-Forwarded-Prefix, `/api/v1` through the gateway): `<path>/<id>` when the
 * created thing has an `id` and a GET route answers there, else the request's
 * own path when a GET lists what was created there. A handler that sets
 * `Location` itself keeps its own.
 */
@Injectable()
export class CreatedLocationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (request.method !== 'POST') return next.handle();
    return next.handle().pipe(
      map((result: unknown) => {
        if (reply.statusCode === 201 && !reply.hasHeader('location')) {
          const location = locationOf(request, result);
          if (location) void reply.header('location', forwardedPrefix(request.headers) + location);
        }
        return result;
      }),
    );
  }
}

function locationOf(request: FastifyRequest, result: unknown): string | undefined {
  const path = request.url.split('?')[0].replace(/\/+$/, '');
  const id = (result as { id?: unknown } | null)?.id;
  if ((typeof id === 'string' || typeof id === 'number') && /^[A-Za-z0-9._~-]{1,200}$/.test(String(id))) {
    const item = `${path}/${String(id)}`;
    if (allowedMethods(request.server, item).includes('GET')) return item;
  }
  return allowedMethods(request.server, path).includes('GET') ? path : undefined;
}

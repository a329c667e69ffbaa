import {
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { forwardedPrefix } from '../errors/client-path';

type Locate<T> = (result: T) => string;

@Injectable()
class LocationInterceptor<T> implements NestInterceptor<T, T> {
  constructor(private readonly locate: Locate<T>) {}

  intercept(context: ExecutionContext, next: CallHandler<T>): Observable<T> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result) => {
        void reply.header('location', forwardedPrefix(request.headers) + this.locate(result));
        return result;
      }),
    );
  }
}

/**
 * `@LocatedAt((view: PersonView) => `/contacts/${view.id}`)` on a create route:
 * its answer carries `Location`, with the prefix the client used in front
 * (X-Forwarded-Prefix, e.g. `/api/v1` through the gateway).
 */
export function LocatedAt<T>(locate: Locate<T>): MethodDecorator {
  return UseInterceptors(new LocationInterceptor<T>(locate));
}

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { currentTraceHeaders } from '@crm/messaging';
import { grants } from '@crm/platform';
import { gatewayMetrics } from '../edge/gateway.metrics';
import { pathOnly, sendProblem } from '../edge/problem';
import { requestContext } from '../edge/request-context';
import type { GatewaySettings } from '../config/gateway-settings';
import type { InternalTokenSigner } from '../identity/internal-token';
import { requiredPermission, UnsafePathError, type ResolvedRoute } from '../routing/routing-table';
import { discardRest, isBodyTooLarge, limitBody } from './body-limit';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarding-headers';
import { upstreamFailure } from './upstream-failure';
import { gatewayProblem } from '../shared/gateway-errors';

export const API_PREFIX = '/api/v1';
export const PROXY_ROUTE = `${API_PREFIX}/*`;
const METHODS: Dispatcher.HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const NO_BODY_STATUS = new Set([204, 304]);
/** How much of a refused body is read and dropped before the connection is cut. */
export const DISCARD_AT_MOST = 64 * 1024 * 1024;

/**
 * Forwards /api/v1/<segment>/... to the service owning the segment, streaming
 * both bodies: nothing is buffered whole, so uploads and downloads pass through.
 */
export class ServiceProxy implements OnApplicationShutdown {
  readonly agent: Agent;
  private readonly logger = new Logger('Proxy');

  constructor(
    private readonly settings: GatewaySettings,
    private readonly tokens: InternalTokenSigner,
  ) {
    this.agent = new Agent({
      connect: { timeout: settings.upstreamConnectTimeoutMs },
      headersTimeout: settings.upstreamTimeoutMs,
      bodyTimeout: settings.upstreamBodyTimeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  /** A Fastify plugin: its own scope, where no body parser consumes the request stream. */
  register(app: FastifyInstance): void {
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      scope.route({
        method: METHODS,
        url: PROXY_ROUTE,
        bodyLimit: this.settings.bodyLimitBytes,
        handler: (request, reply) => this.forward(request, reply),
      });
    });
  }

  private async forward(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    let route: ResolvedRoute | undefined;
    try {
      route = this.settings.routes.resolve(request.url.slice(API_PREFIX.length), request.method);
    } catch (error) {
      if (!(error instanceof UnsafePathError)) throw error;
      return sendProblem(request, reply, gatewayProblem('PATH_INVALID', error.message));
    }
    if (!route) {
      return sendProblem(
        request,
        reply,
        gatewayProblem('ROUTE_NOT_FOUND', `No service answers ${request.method} ${request.url.split('?')[0]}`),
      );
    }
    const context = requestContext(request);
    const caller = route.public ? undefined : context?.caller;
    if (!context || (!caller && !route.public)) {
      return sendProblem(request, reply, gatewayProblem('UNAUTHENTICATED', 'A bearer token or an API key is required'));
    }
    const needed = requiredPermission(request.method, route.service.name);
    if (caller && !grants(caller.permissions, needed)) {
      gatewayMetrics.refused.inc({ reason: 'forbidden' });
      return sendProblem(
        request,
        reply,
        gatewayProblem(
          'PERMISSION_DENIED',
          `${request.method} on ${route.service.name} needs the permission ${needed}`,
          {
            missing: [needed],
          },
        ),
      );
    }

    const limit = route.bodyLimitBytes ?? this.settings.bodyLimitBytes;
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > limit) return this.tooLarge(request, reply, limit);
    const chunked = request.headers['transfer-encoding'] !== undefined;
    // Through a stream of its own, never the client's request itself: whatever the upstream
    // connection does to it (a service refusing the body and hanging up), the client's stays whole.
    const body = chunked || length > 0 ? limitBody(request.raw, limit) : null;

    context.service = route.service.name;
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    // A service that answered before reading the whole body (its own 413, an early error):
    // read and drop the rest, so the client reads the answer and its keep-alive connection
    // stays usable instead of hanging on the unread bytes.
    reply.raw.once('finish', () => {
      if (!request.raw.complete && !request.raw.destroyed) {
        request.raw.unpipe();
        discardRest(request.raw, DISCARD_AT_MOST);
      }
    });

    // A public path travels without any identity, even when the caller sent one.
    const internalToken = caller ? await this.tokens.tokenFor(caller) : undefined;
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await undiciRequest(route.url, {
        dispatcher: this.agent,
        method: request.method as Dispatcher.HttpMethod,
        headers: upstreamRequestHeaders(request.headers, {
          internalToken,
          requestId: request.id,
          forwardedFor: context.forwardedFor,
          host: request.headers.host,
          protocol: request.protocol,
          prefix: API_PREFIX,
          trace: currentTraceHeaders(),
        }),
        body,
        signal: abort.signal,
      });
    } catch (error) {
      if (abort.signal.aborted) return reply;
      if (isBodyTooLarge(error)) return this.tooLarge(request, reply, limit);
      const failure = upstreamFailure(route.service.name, error);
      // The path only: a query string can carry personal data (a search q, an email filter).
      this.logger.warn(
        `${request.method} ${route.service.name} ${pathOnly(request.url)} failed (${failure.status}): ${(error as Error).message}`,
      );
      return sendProblem(request, reply, gatewayProblem(failure.code, failure.detail, { service: route.service.name }));
    }

    reply.code(upstream.statusCode);
    const gatewayVary = reply.getHeader('vary');
    reply.headers(
      downstreamResponseHeaders(upstream.headers, typeof gatewayVary === 'string' ? gatewayVary : undefined),
    );
    if (request.method === 'HEAD' || NO_BODY_STATUS.has(upstream.statusCode)) {
      await upstream.body.dump();
      return reply.send();
    }
    return reply.send(upstream.body);
  }

  private tooLarge(request: FastifyRequest, reply: FastifyReply, limit: number): FastifyReply {
    gatewayMetrics.refused.inc({ reason: 'too_large' });
    discardRest(request.raw, DISCARD_AT_MOST);
    return sendProblem(
      request,
      reply,
      gatewayProblem('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes`, { limit }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { configureRefusedBodies, discardRest } from '@crm/platform';
import { uuidv7 } from '@crm/persistence';
import { AuditLogService, type AuditRecord } from '../audit/audit-log.service';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import { AuthenticationFailed, CallerAuthenticator } from '../identity/caller-authenticator';
import { InternalTokenSigner } from '../identity/internal-token';
import { cors } from '../protection/cors';
import { RateLimits, type RateDecision } from '../protection/rate-limiter';
import { securityHeaders } from '../protection/security-headers';
import { API_PREFIX, DISCARD_AT_MOST, PROXY_ROUTE, ServiceProxy } from '../proxy/service-proxy';
import { gatewayMetrics } from './gateway.metrics';
import { pathOnly, sendProblem } from './problem';
import { requestContext, startRequestContext, type GatewayRequestContext } from './request-context';
import { gatewayProblem } from '../shared/gateway-errors';

/** Served to the cluster only (see onRequest). */
const CLUSTER_ONLY = /^\/(health|metrics)(\/|$)/;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
  }
}
/** The API document and its page are public; everything else under /api needs a caller. */
const PUBLIC_API = /^\/api\/(openapi\.json|docs)(\/|\?|$)/;

/**
 * The gateway's front door, as Fastify hooks around every route (its own
 * Nest routes and the proxy alike): security headers, CORS, who is calling,
 * the rate limit, and the audit record of each write once it has been answered.
 */
@Injectable()
export class GatewayEdge implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Edge');
  private inFlight = 0;
  private closing = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly callers: CallerAuthenticator,
    private readonly tokens: InternalTokenSigner,
    private readonly limits: RateLimits,
    private readonly audit: AuditLogService,
    private readonly proxy: ServiceProxy,
  ) {}

  onModuleInit(): void {
    const app = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    app.addHook('onRequest', (request, reply) => this.onRequest(request, reply));
    app.addHook('onResponse', (request, reply, done) => {
      try {
        this.afterResponse(request, reply);
      } catch (error) {
        this.logger.error(
          `after ${request.method} ${pathOnly(request.url)}: ${(error as Error).stack ?? String(error)}`,
        );
      }
      done();
    });
    // A chunked body refused by a route's body parser: the platform reads the rest and keeps the
    // connection (closing it while draining); here it is counted.
    configureRefusedBodies(app, {
      draining: () => this.closing,
      onRefused: () => gatewayMetrics.refused.inc({ reason: 'too_large' }),
    });
    this.proxy.register(app);
  }

  private async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const context = startRequestContext(request, this.settings.trustedProxyHops);
    this.inFlight += 1;
    reply.raw.once('close', () => {
      this.inFlight -= 1;
      this.afterClose(request, reply);
    });
    // Draining: answer this one, then the client opens a new connection (to another replica).
    if (this.closing) reply.header('connection', 'close');
    const path = request.url.split('?')[0];
    reply.headers(securityHeaders(path));
    // Health and metrics are the cluster's (probes and Prometheus reach the pod directly): behind
    // the front proxy (TRUST_PROXY_HOPS > 0), a request that came through it does not get them,
    // so the Ingress can route / to the console without publishing them.
    if (
      this.settings.trustedProxyHops > 0 &&
      request.headers['x-forwarded-for'] !== undefined &&
      CLUSTER_ONLY.test(path)
    ) {
      await sendProblem(request, reply, gatewayProblem('ROUTE_NOT_FOUND', `Cannot ${request.method} ${path}`));
      return;
    }
    if (!path.startsWith('/api/')) return;
    reply.header('cache-control', 'no-store');

    // Over the limit by its Content-Length: refused here for every route, the rest of the body read
    // and dropped, so the client reads the 413 (no broken pipe) and may reuse the connection.
    const limit =
      request.routeOptions.url === PROXY_ROUTE
        ? (this.settings.routes.bodyLimit(request.url.slice(API_PREFIX.length), request.method) ??
          this.settings.bodyLimitBytes)
        : (request.routeOptions.bodyLimit ?? this.settings.bodyLimitBytes);
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      gatewayMetrics.refused.inc({ reason: 'too_large' });
      discardRest(request.raw, DISCARD_AT_MOST);
      await sendProblem(
        request,
        reply,
        gatewayProblem('PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes`, { limit }),
      );
      return;
    }

    const c = cors(
      {
        origin: request.headers.origin,
        method: request.method,
        requestMethod: request.headers['access-control-request-method'] as string | undefined,
      },
      this.settings.corsOrigins,
    );
    reply.headers(c.headers);
    if (c.preflight) {
      await reply.code(204).send();
      return;
    }

    // The client's address pays before any API key is looked up in the database (and for
    // calls without valid credentials), so guessing keys costs the guesser, not the database.
    let addressDecision: RateDecision | undefined;
    const chargeAddress = (): void => {
      addressDecision ??= this.limits.address.take(`ip:${context.clientIp}`);
      if (!addressDecision.allowed) throw new RateLimited(addressDecision.retryAfterSeconds);
    };
    let failure: string | undefined;
    try {
      context.caller = await this.callers.authenticate(request.headers, chargeAddress);
      if (!context.caller) chargeAddress();
      else {
        const decision = this.limits
          .forCaller(context.caller.kind)
          .take(`${context.caller.kind}:${context.caller.subject}`);
        if (!decision.allowed) throw new RateLimited(decision.retryAfterSeconds);
      }
    } catch (error) {
      if (error instanceof AuthenticationFailed) {
        failure = error.message;
        try {
          chargeAddress();
        } catch (limited) {
          if (!(limited instanceof RateLimited)) throw limited;
          await this.tooMany(request, reply, limited.retryAfterSeconds);
          return;
        }
      } else if (error instanceof RateLimited) {
        await this.tooMany(request, reply, error.retryAfterSeconds);
        return;
      } else {
        this.logger.error(`could not authenticate a request: ${(error as Error).message}`);
        reply.header('retry-after', '5');
        await sendProblem(
          request,
          reply,
          gatewayProblem('AUTHENTICATION_UNAVAILABLE', 'The caller could not be checked right now; try again shortly.'),
        );
        return;
      }
    }
    const caller = context.caller;

    if (PUBLIC_API.test(request.url)) return;
    // A service's public path (a mail's link, a survey, a partner's signed exchange): the address
    // paid above; the proxy forwards it without an identity and the service checks what it carries.
    if (
      request.routeOptions.url === PROXY_ROUTE &&
      this.settings.routes.isPublic(request.method, request.url.slice(API_PREFIX.length))
    )
      return;
    if (failure !== undefined || !caller) {
      gatewayMetrics.refused.inc({ reason: 'unauthenticated' });
      reply.header('www-authenticate', 'Bearer realm="crm"');
      await sendProblem(
        request,
        reply,
        gatewayProblem('UNAUTHENTICATED', failure ?? 'A bearer token or an API key is required'),
      );
      return;
    }
    if (!READS.has(request.method)) {
      // The write is on record before anything is forwarded; the answer completes it (afterClose).
      try {
        context.auditId = uuidv7();
        await this.audit.begin(this.auditEntry(request, context));
      } catch (error) {
        context.auditId = undefined;
        this.logger.error(`audit log unavailable, write refused: ${(error as Error).message}`);
        reply.header('retry-after', '5');
        await sendProblem(
          request,
          reply,
          gatewayProblem(
            'AUDIT_UNAVAILABLE',
            'Writes are refused while they cannot be put on record; try again shortly.',
          ),
        );
        return;
      }
    }
    if (request.routeOptions.url !== PROXY_ROUTE) {
      // The gateway's own routes go through the platform guard like any
      // service's: it sees the same internal token a service would, so API
      // key callers are checked by the same rules.
      request.headers['authorization'] = `Bearer ${await this.tokens.tokenFor(caller)}`;
      delete request.headers['x-api-key'];
    }
  }

  private async tooMany(request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number): Promise<void> {
    gatewayMetrics.refused.inc({ reason: 'rate_limited' });
    reply.header('retry-after', String(retryAfterSeconds));
    await sendProblem(
      request,
      reply,
      gatewayProblem('RATE_LIMITED', `Too many requests from this client; retry after ${retryAfterSeconds} s.`, {
        retryAfterSeconds,
      }),
    );
  }

  /** The service owning a path, also for a write refused before it was forwarded; 'gateway' for its own routes. */
  private owner(url: string): string {
    try {
      return this.settings.routes.resolve(url.slice(API_PREFIX.length))?.service.name ?? 'gateway';
    } catch {
      return 'gateway';
    }
  }

  /** After the response: its timing. */
  private afterResponse(request: FastifyRequest, reply: FastifyReply): void {
    const context = requestContext(request);
    if (context?.service) {
      gatewayMetrics.forwarded.observe(
        { service: context.service, status: String(reply.statusCode) },
        (performance.now() - context.startedAt) / 1000,
      );
    }
  }

  /**
   * Once the connection is done with the request (answered or abandoned by the client): a write
   * put on record before it was handled is completed; one refused before that is recorded whole.
   */
  private afterClose(request: FastifyRequest, reply: FastifyReply): void {
    const context = requestContext(request);
    if (!context || READS.has(request.method) || !request.url.startsWith('/api/')) return;
    const finished = reply.raw.writableFinished;
    const status = finished || reply.raw.headersSent ? reply.statusCode : null;
    const durationMs = Math.round(performance.now() - context.startedAt);
    if (context.auditId) {
      this.audit.complete({ id: context.auditId, status, durationMs, outcome: finished ? 'completed' : 'aborted' });
      return;
    }
    // A client over its rate limit could otherwise fill the log.
    if (status === 429) return;
    this.audit.record({
      ...this.auditEntry(request, context),
      id: uuidv7(),
      status,
      durationMs,
      outcome: finished ? 'completed' : 'aborted',
    });
  }

  private auditEntry(request: FastifyRequest, context: GatewayRequestContext): AuditRecord {
    const caller = context.caller;
    return {
      id: context.auditId ?? uuidv7(),
      at: context.at,
      requestId: String(request.id),
      subject: caller?.subject ?? null,
      subjectName: caller?.name ?? null,
      kind: caller?.kind ?? null,
      method: request.method,
      path: request.url.split('?')[0],
      service: this.owner(request.url),
      status: null,
      durationMs: null,
      clientIp: context.clientIp,
      outcome: 'pending',
    };
  }

  /**
   * SIGTERM: stop taking connections, close idle keep-alive ones (and each that turns idle), let
   * the requests in flight finish for at most SHUTDOWN_DRAIN_MS, then cut what is left. The audit
   * log is flushed after that, so the last writes' entries are complete; the database closes later
   * (onApplicationShutdown).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.adapterHost.httpAdapter.getInstance<FastifyInstance>().server;
    this.closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = Date.now() + this.settings.shutdownDrainMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      server.closeIdleConnections();
    }
    if (this.inFlight > 0)
      this.logger.warn(
        `${this.inFlight} requests still running after ${this.settings.shutdownDrainMs} ms: cutting them off`,
      );
    server.closeAllConnections();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
    await this.audit.flush();
  }
}

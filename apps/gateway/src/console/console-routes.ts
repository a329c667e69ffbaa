import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  DEFAULT_ROLE_PERMISSIONS,
  parseRolePermissions,
  SERVICE_CONFIG,
  signToken,
  TokenVerifier,
  type Principal,
  type Problem,
  type ServiceConfig,
} from '@crm/platform';
import { sendProblem } from '../edge/problem';
import { consoleProblem } from './console-errors';
import {
  clearCookie,
  ConsoleSessions,
  CsrfRefused,
  OIDC_COOKIE,
  readCookies,
  SESSION_COOKIE,
  setCookie,
} from './console-sessions';
import { CONSOLE_SETTINGS, type ConsoleSettings } from './console-settings';
import { ConsoleStatic } from './console-static';
import { OidcClient, OidcFailure, randomToken } from './oidc-client';

interface OidcState {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
  exp: number;
}

export interface SessionView {
  subject: string;
  name?: string;
  roles: string[];
  permissions: string[];
  csrfToken: string;
}

const SUBJECT = /^[A-Za-z0-9._@-]{1,64}$/;
const OIDC_STATE_SECONDS = 600;

/** Only a path of this site: never `//evil.example` or a full URL. */
export function safeReturnTo(raw: unknown): string {
  return typeof raw === 'string' && /^\/(?![/\\])[\x21-\x7e]{0,500}$/.test(raw) ? raw : '/';
}

/**
 * The console at `/` and its sign-in at `/auth/*`, outside /api (the edge authenticates only
 * /api): GET /auth/config, GET /auth/session (who is signed in, and the CSRF token),
 * POST /auth/local (CONSOLE_LOCAL_SIGNIN only), GET /auth/login and /auth/callback (OIDC
 * code flow with PKCE), POST /auth/logout.
 */
@Injectable()
export class ConsoleRoutes implements OnModuleInit {
  private readonly logger = new Logger('Console');
  readonly files: ConsoleStatic;
  private readonly oidc?: OidcClient;
  private readonly roles: string[];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly tokens: TokenVerifier,
    private readonly sessions: ConsoleSessions,
  ) {
    this.files = new ConsoleStatic(settings.staticDir);
    this.oidc = settings.oidc ? new OidcClient(settings.oidc) : undefined;
    const map = config.AUTH_ROLE_PERMISSIONS
      ? parseRolePermissions(config.AUTH_ROLE_PERMISSIONS)
      : DEFAULT_ROLE_PERMISSIONS;
    this.roles = Object.keys(map);
  }

  onModuleInit(): void {
    if (!this.files.built)
      this.logger.warn(`no console in ${this.settings.staticDir} (npx nx build console): / answers 404`);
    const app = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    app.get('/auth/config', async (_req, reply) =>
      this.json(reply, 200, { localSignIn: this.settings.localSignIn, oidc: Boolean(this.oidc), roles: this.roles }),
    );
    app.get('/auth/session', (req, reply) => this.session(req, reply));
    app.post('/auth/local', { bodyLimit: 4096 }, (req, reply) => this.local(req, reply));
    app.get('/auth/login', (req, reply) => this.login(req, reply));
    app.get('/auth/callback', (req, reply) => this.callback(req, reply));
    app.post('/auth/logout', { bodyLimit: 1024 }, (req, reply) => this.logout(req, reply));
    app.get('/*', (req, reply) => this.page(req, reply));
  }

  private json(reply: FastifyReply, status: number, body: unknown): FastifyReply {
    return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body);
  }

  private problem(req: FastifyRequest, reply: FastifyReply, p: Problem): FastifyReply {
    reply.header('cache-control', 'no-store');
    return sendProblem(req, reply, p);
  }

  private secure(req: FastifyRequest): boolean {
    return this.settings.secureCookies || req.protocol === 'https';
  }

  /** A write from another site (a form, a script elsewhere) is refused: the browser names its origin. */
  private sameOrigin(req: FastifyRequest): boolean {
    const origin = req.headers.origin;
    if (!origin) return req.headers['sec-fetch-site'] === undefined || req.headers['sec-fetch-site'] === 'same-origin';
    return origin === `${req.protocol}://${req.headers.host}`;
  }

  private view(principal: Principal, token: string): SessionView {
    return {
      subject: principal.subject,
      name: principal.name,
      roles: principal.roles,
      permissions: principal.permissions,
      csrfToken: this.sessions.csrfFor(token),
    };
  }

  private startSession(req: FastifyRequest, reply: FastifyReply, token: string, seconds: number): void {
    reply.header(
      'set-cookie',
      setCookie(SESSION_COOKIE, token, {
        maxAgeSeconds: seconds,
        secure: this.secure(req),
        sameSite: 'Strict',
        path: '/',
      }),
    );
  }

  private async session(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const token = readCookies(req.headers.cookie).get(SESSION_COOKIE);
    if (!token) return this.problem(req, reply, consoleProblem('SESSION_MISSING', 'Nobody is signed in'));
    try {
      const principal = await this.tokens.verify(token, { internal: 'refuse' });
      return this.json(reply, 200, this.view(principal, token));
    } catch (error) {
      reply.header('set-cookie', clearCookie(SESSION_COOKIE, '/', this.secure(req)));
      return this.problem(
        req,
        reply,
        consoleProblem('SESSION_MISSING', `The session has ended: ${(error as Error).message}`),
      );
    }
  }

  private async local(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (!this.settings.localSignIn || !this.config.AUTH_JWT_SECRET)
      return this.problem(req, reply, consoleProblem('LOCAL_SIGN_IN_DISABLED', 'Local sign-in is not enabled here'));
    if (!this.sameOrigin(req) || !String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return this.problem(
        req,
        reply,
        consoleProblem('SESSION_CSRF_INVALID', 'Sign in from the console itself (a JSON request from this origin)'),
      );
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: { field: string; message: string }[] = [];
    const roles = body['roles'];
    if (
      !Array.isArray(roles) ||
      roles.length < 1 ||
      roles.length > 10 ||
      roles.some((r) => typeof r !== 'string' || !this.roles.includes(r))
    )
      errors.push({ field: 'roles', message: `roles must be one or more of ${this.roles.join(', ')}` });
    const name = body['name'];
    if (name !== undefined && (typeof name !== 'string' || !/^[\p{L}\p{N} .'-]{1,80}$/u.test(name)))
      errors.push({ field: 'name', message: 'name must be 1 to 80 letters, digits, spaces, dots or dashes' });
    const subject =
      body['subject'] ??
      (typeof name === 'string' ? `local-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 64) : 'dev-admin');
    if (typeof subject !== 'string' || !SUBJECT.test(subject))
      errors.push({ field: 'subject', message: 'subject must be 1 to 64 letters, digits, or . _ @ -' });
    const unknown = Object.keys(body).filter((k) => !['roles', 'name', 'subject'].includes(k));
    for (const k of unknown) errors.push({ field: k, message: `${k} is not a sign-in field` });
    if (errors.length)
      return this.problem(req, reply, consoleProblem('SIGN_IN_INVALID', 'The sign-in is not valid', { errors }));
    const token = await signToken({
      secret: this.config.AUTH_JWT_SECRET,
      subject: subject as string,
      roles: roles as string[],
      name: typeof name === 'string' ? name : undefined,
      issuer: this.config.AUTH_ISSUER,
      audience: this.config.AUTH_AUDIENCE,
      expiresInSeconds: this.settings.sessionTtlSeconds,
      internal: false,
    });
    const principal = await this.tokens.verify(token, { internal: 'refuse' });
    this.startSession(req, reply, token, this.settings.sessionTtlSeconds);
    return this.json(reply, 200, this.view(principal, token));
  }

  private redirectUri(req: FastifyRequest): string {
    return this.settings.oidc?.redirectUrl ?? `${req.protocol}://${req.headers.host}/auth/callback`;
  }

  private async login(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (!this.oidc)
      return this.problem(req, reply, consoleProblem('OIDC_NOT_CONFIGURED', 'No identity provider is set up'));
    const state: OidcState = {
      state: randomToken(),
      verifier: randomToken(),
      nonce: randomToken(),
      returnTo: safeReturnTo((req.query as Record<string, unknown>)['returnTo']),
      exp: Math.floor(Date.now() / 1000) + OIDC_STATE_SECONDS,
    };
    let location: string;
    try {
      location = await this.oidc.authorizeUrl({ redirectUri: this.redirectUri(req), ...state });
    } catch (error) {
      return this.problem(req, reply, consoleProblem('OIDC_PROVIDER_FAILED', (error as Error).message));
    }
    // Lax, not Strict: the identity provider sends the browser back here from its own site.
    reply.header(
      'set-cookie',
      setCookie(OIDC_COOKIE, this.sessions.seal(state), {
        maxAgeSeconds: OIDC_STATE_SECONDS,
        secure: this.secure(req),
        sameSite: 'Lax',
        path: '/auth',
      }),
    );
    return reply.code(302).header('cache-control', 'no-store').header('location', location).send();
  }

  private async callback(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (!this.oidc)
      return this.problem(req, reply, consoleProblem('OIDC_NOT_CONFIGURED', 'No identity provider is set up'));
    const q = req.query as Record<string, unknown>;
    const saved = this.sessions.unseal<OidcState>(readCookies(req.headers.cookie).get(OIDC_COOKIE));
    reply.header('set-cookie', clearCookie(OIDC_COOKIE, '/auth', this.secure(req)));
    if (typeof q['error'] === 'string')
      return this.problem(
        req,
        reply,
        consoleProblem('OIDC_TOKEN_REFUSED', `The identity provider said: ${q['error']}`),
      );
    if (!saved || saved.exp < Date.now() / 1000 || typeof q['state'] !== 'string' || q['state'] !== saved.state)
      return this.problem(
        req,
        reply,
        consoleProblem('OIDC_STATE_INVALID', 'This sign-in was not started here or took too long; sign in again'),
      );
    if (typeof q['code'] !== 'string' || !q['code'] || q['code'].length > 4096)
      return this.problem(req, reply, consoleProblem('OIDC_STATE_INVALID', 'The identity provider sent no code'));
    try {
      const tokens = await this.oidc.exchange({
        code: q['code'],
        redirectUri: this.redirectUri(req),
        verifier: saved.verifier,
        nonce: saved.nonce,
      });
      // The API must accept the token (issuer, audience, keys) before it becomes a session.
      await this.tokens.verify(tokens.accessToken, { internal: 'refuse' });
      reply.header('set-cookie', [
        clearCookie(OIDC_COOKIE, '/auth', this.secure(req)),
        setCookie(SESSION_COOKIE, tokens.accessToken, {
          maxAgeSeconds: tokens.expiresInSeconds,
          secure: this.secure(req),
          sameSite: 'Strict',
          path: '/',
        }),
      ]);
      return reply.code(302).header('cache-control', 'no-store').header('location', saved.returnTo).send();
    } catch (error) {
      if (error instanceof OidcFailure && error.providerDown)
        return this.problem(req, reply, consoleProblem('OIDC_PROVIDER_FAILED', error.message));
      return this.problem(
        req,
        reply,
        consoleProblem('OIDC_TOKEN_REFUSED', `Sign-in refused: ${(error as Error).message}`),
      );
    }
  }

  private async logout(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      this.sessions.credential(req.headers);
    } catch (error) {
      if (error instanceof CsrfRefused)
        return this.problem(req, reply, consoleProblem('SESSION_CSRF_INVALID', error.message));
      throw error;
    }
    reply.header('set-cookie', clearCookie(SESSION_COOKIE, '/', this.secure(req)));
    return reply.code(204).header('cache-control', 'no-store').send();
  }

  private async page(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const path = req.url.split('?')[0];
    if (!ConsoleStatic.owns(path)) return reply.callNotFound() as unknown as FastifyReply;
    if (!this.files.built)
      return this.problem(
        req,
        reply,
        consoleProblem('CONSOLE_NOT_BUILT', 'The console is not built: run `npx nx build console`'),
      );
    const answer = this.files.answer(path, {
      'accept-encoding': req.headers['accept-encoding'],
      'if-none-match': req.headers['if-none-match'],
    });
    reply.code(answer.status).headers(answer.headers);
    return answer.body && req.method !== 'HEAD' ? reply.send(answer.body) : reply.send();
  }
}

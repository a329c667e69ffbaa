import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../errors/domain-error';
import { IS_PUBLIC, REQUIRED_PERMISSIONS } from './auth.decorators';
import { grants } from './permissions';
import type { Principal } from './principal';
import { TokenVerifier } from './token-verifier';

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Every HTTP route is closed unless it says otherwise: @Public, or
 * @RequirePermission with a caller who holds every permission named. A route
 * with neither is refused (403), so a forgotten decorator fails safe.
 * Request-reply over NATS is internal traffic and is not checked here.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, targets);
    if (!required?.length) {
      throw new DomainError('PERMISSION_DENIED', 'This route declares no permission and is closed', 'forbidden');
    }
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.verifier.verify(bearerToken(request.headers['authorization']));
    request.principal = principal;
    const missing = required.filter((p) => !grants(principal.permissions, p));
    if (missing.length) {
      throw new DomainError('PERMISSION_DENIED', `This needs the permission ${missing.join(', ')}`, 'forbidden', {
        missing,
      });
    }
    return true;
  }
}

function bearerToken(header: string | string[] | undefined): string {
  if (header === undefined || header === '') {
    throw new DomainError('UNAUTHENTICATED', 'A bearer token is required', 'unauthenticated');
  }
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  if (!match)
    throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"', 'unauthenticated');
  return match[1];
}

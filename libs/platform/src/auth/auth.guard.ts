import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../errors/domain-error';
import { grants } from './permissions';
import { IS_PUBLIC, REQUIRED_PERMISSIONS, type Principal } from './principal';
import { TokenVerifier } from './token-verifier';

/**
 * Every HTTP route is closed unless it says otherwise: @Public, or
 * @RequirePermission with a caller who holds the permission. A route with
 * neither is refused, so a forgotten decorator fails safe.
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
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<string[]>(REQUIRED_PERMISSIONS, targets);
    const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = request.headers['authorization'];
    if (!header) throw new DomainError('UNAUTHENTICATED', 'A bearer token is required', 'unauthenticated');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"', 'unauthenticated');
    const principal = await this.verifier.verify(match[1]);
    request.principal = principal;
    if (!required?.length) {
      throw new DomainError('PERMISSION_DENIED', 'This route declares no permission and is closed', 'forbidden');
    }
    const missing = required.filter((p) => !grants(principal.permissions, p));
    if (missing.length) {
      throw new DomainError('PERMISSION_DENIED', `This needs the permission ${missing.join(', ')}`, 'forbidden', { missing });
    }
    return true;
  }
}

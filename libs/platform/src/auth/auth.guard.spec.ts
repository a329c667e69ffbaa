import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../errors/domain-error';
import { Public, RequirePermission } from './auth.decorators';
import { AuthGuard } from './auth.guard';
import { signDevToken } from './dev-token';
import type { Principal } from './principal';
import { TokenVerifier } from './token-verifier';

const SECRET = 'guard-spec-secret-0123456789abcdefgh';

class Routes {
  @RequirePermission('contacts:read')
  read() {
    return 'read';
  }

  @RequirePermission('contacts:read', 'contacts:admin')
  erase() {
    return 'erase';
  }

  @Public()
  live() {
    return 'live';
  }

  forgotten() {
    return 'forgotten';
  }
}

@RequirePermission('sales:read')
class ClassWide {
  list() {
    return 'list';
  }

  @Public()
  open() {
    return 'open';
  }
}

interface FakeRequest {
  headers: Record<string, string>;
  principal?: Principal;
}

function httpContext(cls: object, handler: () => unknown, request: FakeRequest): ExecutionContext {
  return {
    getType: () => 'http',
    getClass: () => cls,
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('the auth guard', () => {
  const guard = new AuthGuard(
    new Reflector(),
    new TokenVerifier({ secret: SECRET, issuer: 'crm-local', audience: 'crm' }),
  );
  const routes = Routes.prototype;
  const bearer = async (o: { roles?: string[]; permissions?: string[]; expiresInSeconds?: number }) => ({
    authorization: `Bearer ${await signDevToken({ secret: SECRET, subject: 'u1', ...o })}`,
  });

  async function outcome(cls: object, handler: () => unknown, headers: Record<string, string> = {}): Promise<string> {
    try {
      return (await guard.canActivate(httpContext(cls, handler, { headers }))) ? 'allowed' : 'refused';
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return `${error.status} ${error.code}: ${error.message}`;
    }
  }

  it('lets anyone reach a public route', async () => {
    expect(await outcome(Routes, routes.live)).toBe('allowed');
  });

  it('refuses a route with no permission metadata, even to an admin', async () => {
    expect(await outcome(Routes, routes.forgotten, await bearer({ roles: ['admin'] }))).toMatch(
      /^403 PERMISSION_DENIED/,
    );
    expect(await outcome(Routes, routes.forgotten)).toMatch(/^403 PERMISSION_DENIED/);
  });

  it('asks for a token when there is none or it is not a bearer token', async () => {
    expect(await outcome(Routes, routes.read)).toMatch(/^401 UNAUTHENTICATED/);
    expect(await outcome(Routes, routes.read, { authorization: 'Basic dTpw' })).toMatch(/^401 UNAUTHENTICATED/);
  });

  it('refuses a bad or expired token with 401', async () => {
    expect(await outcome(Routes, routes.read, { authorization: 'Bearer garbage' })).toMatch(/^401 TOKEN_INVALID/);
    expect(await outcome(Routes, routes.read, await bearer({ roles: ['admin'], expiresInSeconds: -60 }))).toMatch(
      /^401 TOKEN_EXPIRED/,
    );
  });

  it('refuses a caller missing a permission with 403 naming it', async () => {
    const result = await outcome(Routes, routes.erase, await bearer({ roles: ['sales'] }));
    expect(result).toMatch(/^403 PERMISSION_DENIED/);
    expect(result).toContain('contacts:admin');
    expect(result).not.toContain('contacts:read,');
  });

  it('lets a caller with every permission through and attaches the principal', async () => {
    const request: FakeRequest = { headers: await bearer({ roles: ['support'] }) };
    expect(await guard.canActivate(httpContext(Routes, routes.read, request))).toBe(true);
    expect(request.principal).toMatchObject({ subject: 'u1', roles: ['support'], kind: 'user' });
  });

  it('lets admin do everything, admin actions included', async () => {
    expect(await outcome(Routes, routes.erase, await bearer({ roles: ['admin'] }))).toBe('allowed');
  });

  it('uses an explicit permissions claim instead of roles', async () => {
    expect(await outcome(Routes, routes.read, await bearer({ roles: ['admin'], permissions: ['sales:read'] }))).toMatch(
      /^403/,
    );
    expect(await outcome(Routes, routes.read, await bearer({ permissions: ['contacts:read'] }))).toBe('allowed');
  });

  it('applies class-level permissions, with @Public on a method taking precedence', async () => {
    expect(await outcome(ClassWide, ClassWide.prototype.list, await bearer({ roles: ['support'] }))).toMatch(/^403/);
    expect(await outcome(ClassWide, ClassWide.prototype.list, await bearer({ roles: ['sales'] }))).toBe('allowed');
    expect(await outcome(ClassWide, ClassWide.prototype.open)).toBe('allowed');
  });

  it('does not check request-reply calls, which arrive over the internal bus', async () => {
    const rpc = { getType: () => 'rpc' } as unknown as ExecutionContext;
    expect(await guard.canActivate(rpc)).toBe(true);
  });
});

import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import type { Principal } from './principal';

export const REQUIRED_PERMISSIONS = 'crm:required-permissions';
export const IS_PUBLIC = 'crm:public';

/**
 * The caller needs every one of these permissions (`contacts:read`, `contacts:admin`, ...).
 * The OpenAPI document shows them as `x-required-permission`, from this same decorator.
 */
export const RequirePermission = (...permissions: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS, permissions),
    ApiBearerAuth(),
    ApiExtension('x-required-permission', permissions.length === 1 ? permissions[0] : permissions),
  );

/** Open to anyone: only for health, metrics and the API document. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The verified caller of the request (`@CurrentPrincipal() p: Principal`); set by the global guard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
});

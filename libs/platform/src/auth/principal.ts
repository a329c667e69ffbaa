import { createParamDecorator, SetMetadata, applyDecorators, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

export interface Principal {
  subject: string;
  name?: string;
  roles: string[];
  permissions: string[];
  kind: 'user' | 'service' | 'api-key';
}

export const REQUIRED_PERMISSIONS = 'crm:required-permissions';
export const IS_PUBLIC = 'crm:public';

/** The caller needs every one of these permissions. */
export const RequirePermission = (...permissions: string[]) =>
  applyDecorators(SetMetadata(REQUIRED_PERMISSIONS, permissions), ApiBearerAuth());

/** Open to anyone: only for health, metrics and the API document. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => {
  return ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
});

import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuthGuard } from '../auth/auth.guard';
import { parseRolePermissions } from '../auth/permissions';
import { TokenVerifier } from '../auth/token-verifier';
import { loadConfig } from '../config/load-config';
import { SERVICE_CONFIG, ServiceConfig } from '../config/service-config';
import { ProblemFilter } from '../errors/problem.filter';
import { HealthController } from '../health/health.controller';
import { HEALTH_CHECKS, HealthRegistry } from '../health/health.registry';
import { JsonLogger } from '../logging/json-logger';
import { MetricsController } from '../metrics/metrics.controller';
import { createValidationPipe } from '../validation/validation.pipe';
import { CreatedLocationInterceptor } from './location';
import { TraceFlusher } from './trace-flusher';

export interface PlatformModuleOptions {
  serviceName: string;
}

/**
 * What every service gets, globally: the validated config (SERVICE_CONFIG),
 * the JSON logger, token verification and the fail-closed guard on every
 * route, problem+json errors, validation, /health/* and /metrics.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: SERVICE_CONFIG,
          useFactory: (): ServiceConfig => {
            const config = loadConfig(ServiceConfig);
            config.SERVICE_NAME ??= options.serviceName;
            return config;
          },
        },
        {
          provide: JsonLogger,
          inject: [SERVICE_CONFIG],
          useFactory: (c: ServiceConfig) => new JsonLogger(options.serviceName, c.LOG_LEVEL),
        },
        {
          provide: TokenVerifier,
          inject: [SERVICE_CONFIG],
          useFactory: (c: ServiceConfig) =>
            new TokenVerifier({
              secret: c.AUTH_JWT_SECRET,
              internalSecret: c.INTERNAL_TOKEN_SECRET,
              jwksUrl: c.AUTH_JWKS_URL,
              issuer: c.AUTH_ISSUER,
              audience: c.AUTH_AUDIENCE,
              rolePermissions: c.AUTH_ROLE_PERMISSIONS ? parseRolePermissions(c.AUTH_ROLE_PERMISSIONS) : undefined,
            }),
        },
        HealthRegistry,
        TraceFlusher,
        { provide: HEALTH_CHECKS, useExisting: HealthRegistry },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: CreatedLocationInterceptor },
      ],
      exports: [SERVICE_CONFIG, JsonLogger, TokenVerifier, HealthRegistry, HEALTH_CHECKS],
    };
  }
}

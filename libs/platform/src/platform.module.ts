import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { TokenVerifier } from './auth/token-verifier';
import { loadConfig } from './config/load-config';
import { SERVICE_CONFIG, ServiceConfig } from './config/service-config';
import { ProblemFilter } from './errors/problem.filter';
import { HealthController, HealthRegistry } from './health/health';
import { MetricsController } from './metrics/metrics';
import { createValidationPipe } from './validation/validation.pipe';

export interface PlatformModuleOptions {
  serviceName: string;
}

/** What every service gets: config, auth on every route, problem+json errors, validation, health, metrics. */
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
          useFactory: () => {
            const config = loadConfig(ServiceConfig);
            config.SERVICE_NAME ??= options.serviceName;
            return config;
          },
        },
        {
          provide: TokenVerifier,
          inject: [SERVICE_CONFIG],
          useFactory: (c: ServiceConfig) =>
            new TokenVerifier({
              secret: c.AUTH_JWT_SECRET,
              jwksUrl: c.AUTH_JWKS_URL,
              issuer: c.AUTH_ISSUER,
              audience: c.AUTH_AUDIENCE,
              rolePermissions: c.AUTH_ROLE_PERMISSIONS ? (JSON.parse(c.AUTH_ROLE_PERMISSIONS) as Record<string, string[]>) : undefined,
            }),
        },
        HealthRegistry,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [SERVICE_CONFIG, TokenVerifier, HealthRegistry],
    };
  }
}

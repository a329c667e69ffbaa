import { Module } from '@nestjs/common';
import { ConfigError, SERVICE_CONFIG, type ServiceConfig } from '@crm/platform';
import { ConsoleRoutes } from './console-routes';
import { ConsoleSessions } from './console-sessions';
import { CONSOLE_SETTINGS, loadConsoleSettings } from './console-settings';

/** The web console (built by `nx build console`) at `/`, its sign-in at `/auth/*`, and the session cookie. */
@Module({
  providers: [
    {
      provide: CONSOLE_SETTINGS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig) => loadConsoleSettings(process.env, config),
    },
    {
      provide: ConsoleSessions,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig) => {
        const secret = config.INTERNAL_TOKEN_SECRET ?? config.AUTH_JWT_SECRET;
        if (!secret)
          throw new ConfigError([
            { variable: 'INTERNAL_TOKEN_SECRET', message: 'is required by the gateway (or AUTH_JWT_SECRET)' },
          ]);
        return new ConsoleSessions(secret);
      },
    },
    ConsoleRoutes,
  ],
  exports: [ConsoleSessions],
})
export class ConsoleModule {}

import { Module } from '@nestjs/common';
import { messagingMigrations } from '@crm/messaging';
import { PersistenceModule } from '@crm/persistence';
import { ConfigError, PlatformModule, SERVICE_CONFIG, type ServiceConfig } from '@crm/platform';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiKey } from './api-keys/api-key.entity';
import { NatsRevocationBus } from './api-keys/api-key-revocations';
import { knownAreas } from './api-keys/api-key-scopes';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditEntry } from './audit/audit-entry.entity';
import { AuditController } from './audit/audit.controller';
import { AuditLogService } from './audit/audit-log.service';
import { ConsoleModule } from './console/console.module';
import { GATEWAY_SETTINGS, loadGatewaySettings, type GatewaySettings } from './config/gateway-settings';
import { Customer360Service } from './customers/customer-360.service';
import { CustomersController } from './customers/customers.controller';
import { DocsController } from './docs/docs.controller';
import { DocsService } from './docs/docs.service';
import { GatewayEdge } from './edge/gateway-edge';
import { CallerAuthenticator } from './identity/caller-authenticator';
import { InternalTokenSigner } from './identity/internal-token';
import { GatewayTables1763900000000 } from './migrations/1763900000000-gateway-tables';
import { ApiKeyExpiry1796200000000 } from './migrations/1796200000000-api-key-expiry';
import { AuditBeforeForwarding1796200001000 } from './migrations/1796200001000-audit-before-forwarding';
import { Webhooks1797200000000 } from './migrations/1797200000000-webhooks';
import { WebhookSubscriptionChanges1797300000000 } from './migrations/1797300000000-webhook-subscription-changes';
import { WebhooksModule } from './webhooks/webhooks.module';
import { RateLimits } from './protection/rate-limiter';
import { ServiceProxy } from './proxy/service-proxy';
import { RpcClient } from './rpc/rpc-client';
import { SearchController } from './search/search.controller';
import { SearchService } from './search/search.service';

export const entities = [ApiKey, AuditEntry];
export const migrations = [
  ...messagingMigrations,
  GatewayTables1763900000000,
  ApiKeyExpiry1796200000000,
  AuditBeforeForwarding1796200001000,
  Webhooks1797200000000,
  WebhookSubscriptionChanges1797300000000,
];

@Module({
  imports: [
    PlatformModule.forRoot({ serviceName: 'gateway' }),
    PersistenceModule.forRoot({ entities, migrations }),
    WebhooksModule,
    ConsoleModule,
  ],
  controllers: [ApiKeysController, AuditController, CustomersController, SearchController, DocsController],
  providers: [
    { provide: GATEWAY_SETTINGS, useFactory: () => loadGatewaySettings() },
    {
      provide: InternalTokenSigner,
      inject: [SERVICE_CONFIG, GATEWAY_SETTINGS],
      useFactory: (config: ServiceConfig, settings: GatewaySettings) => {
        const secret = config.INTERNAL_TOKEN_SECRET ?? config.AUTH_JWT_SECRET;
        if (!secret) {
          throw new ConfigError([
            {
              variable: 'INTERNAL_TOKEN_SECRET',
              message: 'is required by the gateway (or AUTH_JWT_SECRET): it signs the internal tokens services receive',
            },
          ]);
        }
        return new InternalTokenSigner({ secret, ttlSeconds: settings.internalTokenTtlSeconds });
      },
    },
    {
      provide: RateLimits,
      inject: [GATEWAY_SETTINGS],
      useFactory: (s: GatewaySettings) => new RateLimits(s.rateLimits),
    },
    {
      provide: ServiceProxy,
      inject: [GATEWAY_SETTINGS, InternalTokenSigner],
      useFactory: (s: GatewaySettings, tokens: InternalTokenSigner) => new ServiceProxy(s, tokens),
    },
    {
      provide: RpcClient,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig) => new RpcClient(config.NATS_URL),
    },
    {
      provide: NatsRevocationBus,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig) => new NatsRevocationBus(config.NATS_URL),
    },
    {
      provide: ApiKeysService,
      inject: [getDataSourceToken(), GATEWAY_SETTINGS, NatsRevocationBus],
      useFactory: (dataSource: DataSource, s: GatewaySettings, revocations: NatsRevocationBus) =>
        new ApiKeysService(dataSource, { areas: knownAreas(s.routes.services.map((r) => r.name)), revocations }),
    },
    AuditLogService,
    CallerAuthenticator,
    Customer360Service,
    SearchService,
    DocsService,
    GatewayEdge,
  ],
})
export class AppModule {}

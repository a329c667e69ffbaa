import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { loadWebhookSettings } from './webhook-settings';
import { WEBHOOK_SETTINGS } from './webhook-tokens';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookIntake } from './webhook-intake';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

const settings = () => loadWebhookSettings();

/**
 * Outbound webhooks: a durable consumer (`gateway`) on every service's stream queues deliveries in
 * batches (WebhookIntake); one replica sends them (WebhookDispatcher); admins manage subscriptions.
 * The messaging module gives the NATS connection (and its readiness check); the intake runs its own
 * consumers, which write many events per transaction.
 */
@Module({
  imports: [
    MessagingModule.forRoot({
      service: 'gateway',
      publishes: false,
    }),
  ],
  controllers: [WebhooksController],
  providers: [{ provide: WEBHOOK_SETTINGS, useFactory: settings }, WebhookIntake, WebhooksService, WebhookDispatcher],
})
export class WebhooksModule {}

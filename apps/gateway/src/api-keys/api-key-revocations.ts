import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JSONCodec, type Subscription } from 'nats';
import { NatsConnector } from '@crm/messaging';

/** Core NATS (not JetStream): a replica that misses a message still drops the key when its 5 s cache entry expires. */
export const API_KEY_REVOKED_SUBJECT = 'gateway.api-key.revoked';

/** How replicas tell each other that a key was revoked, so none keeps serving it from its cache. */
export interface RevocationBus {
  announce(keyId: string): void;
  onRevoked(listener: (keyId: string) => void): void;
}

const codec = JSONCodec<{ keyId: string }>();

/** The revocation bus over NATS pub/sub: every gateway replica subscribes (no queue group), so all hear it. */
export class NatsRevocationBus implements RevocationBus, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeyRevocations');
  private readonly connector: NatsConnector;
  private readonly listeners: ((keyId: string) => void)[] = [];
  private subscription?: Subscription;

  constructor(natsUrl: string) {
    this.connector = new NatsConnector({
      url: natsUrl,
      name: 'gateway-revocations',
      log: (level, message) => (level === 'info' ? this.logger.log(message) : this.logger.warn(message)),
    });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Subscribes once connected; resolves then (tests wait for it, the app does not). */
  start(): Promise<void> {
    return this.connector.connection().then(
      async (nc) => {
        if (this.subscription) return;
        this.subscription = nc.subscribe(API_KEY_REVOKED_SUBJECT, {
          callback: (error, msg) => {
            if (error) return;
            try {
              const { keyId } = codec.decode(msg.data);
              if (typeof keyId === 'string') for (const listener of this.listeners) listener(keyId);
            } catch {
              // not ours: ignore
            }
          },
        });
        // The subscription is registered with the server before anyone is told it is live.
        await nc.flush();
      },
      () => undefined,
    );
  }

  announce(keyId: string): void {
    if (!this.connector.isConnected()) {
      this.logger.warn(`NATS is down: other replicas drop the revoked key ${keyId} when their cache expires`);
      return;
    }
    void this.connector.connection().then((nc) => nc.publish(API_KEY_REVOKED_SUBJECT, codec.encode({ keyId })));
  }

  onRevoked(listener: (keyId: string) => void): void {
    this.listeners.push(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connector.close();
  }
}

import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NatsConnector, RpcError, requestReply } from '@crm/messaging';
import { rpcNamespace, rpcSubject } from '@crm/platform';

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((res) => (timer = setTimeout(() => res(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The gateway's side of NATS request-reply for aggregation. NATS being down
 * degrades only the aggregated routes, so it is not part of readiness.
 */
export class RpcClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly connector: NatsConnector;
  /** Requests travel under CRM_EVENT_NAMESPACE, where the services answer them. */
  private readonly namespace = rpcNamespace();

  constructor(natsUrl: string) {
    const logger = new Logger('Nats');
    this.connector = new NatsConnector({
      url: natsUrl,
      name: 'gateway',
      log: (level, message) =>
        level === 'info' ? logger.log(message) : level === 'warn' ? logger.warn(message) : logger.error(message),
    });
  }

  onApplicationBootstrap(): void {
    this.connector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connector.close();
  }

  /** Asks one service within the deadline; throws RpcError('timeout' | 'unavailable' | 'failed'). */
  async ask<T>(pattern: string, data: unknown, timeoutMs: number): Promise<T> {
    const started = Date.now();
    if (!this.connector.isConnected()) {
      await within(
        this.connector.connection().catch(() => undefined),
        timeoutMs,
      );
      if (!this.connector.isConnected())
        throw new RpcError('unavailable', pattern, 'the gateway is not connected to NATS');
    }
    const nc = await this.connector.connection();
    return requestReply<T>(
      nc,
      rpcSubject(pattern, this.namespace),
      data,
      Math.max(1, timeoutMs - (Date.now() - started)),
    );
  }
}

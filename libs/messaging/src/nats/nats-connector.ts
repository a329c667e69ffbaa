import { connect, type NatsConnection, type JetStreamClient, type JetStreamManager } from 'nats';

export interface NatsConnectorOptions {
  url: string;
  name: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * One NATS connection per process, opened in the background so the service
 * starts (and keeps writing to its outbox) while NATS is down.
 */
export class NatsConnector {
  private nc?: NatsConnection;
  private connecting?: Promise<NatsConnection>;
  private connected = false;
  private closed = false;

  constructor(private readonly options: NatsConnectorOptions) {}

  start(): void {
    if (this.connecting) return;
    this.connecting = this.open();
    this.connecting.catch(() => undefined);
  }

  /** Retries until connected or closed; unlike waitOnFirstConnect, closing stops it. */
  private async open(): Promise<NatsConnection> {
    let delay = 250;
    for (;;) {
      if (this.closed) throw new Error('NATS connector closed');
      try {
        const nc = await connect({
          servers: this.options.url.split(','),
          name: this.options.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1000,
          pingInterval: 10_000,
          timeout: 2000,
        });
        if (this.closed) {
          await nc.close();
          throw new Error('NATS connector closed');
        }
        this.nc = nc;
        this.connected = true;
        this.log('info', `connected to NATS at ${nc.getServer()}`);
        void this.watch(nc);
        return nc;
      } catch (error) {
        if (this.closed) throw error;
        if (delay === 250) this.log('warn', `NATS not reachable (${(error as Error).message}); retrying`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.connected = false;
        this.log('warn', 'NATS disconnected; reconnecting');
      } else if (s.type === 'reconnect') {
        this.connected = true;
        this.log('info', 'NATS reconnected');
      }
    }
  }

  /** Waits for the first connection. */
  connection(): Promise<NatsConnection> {
    this.start();
    return this.connecting as Promise<NatsConnection>;
  }

  async jetstream(): Promise<JetStreamClient> {
    return (await this.connection()).jetstream();
  }

  async jetstreamManager(): Promise<JetStreamManager> {
    return (await this.connection()).jetstreamManager();
  }

  isConnected(): boolean {
    return this.connected && !!this.nc && !this.nc.isClosed();
  }

  async close(): Promise<void> {
    this.closed = true;
    const nc = this.nc;
    this.nc = undefined;
    this.connected = false;
    if (nc && !nc.isClosed()) {
      await nc.drain().catch(() => nc.close());
    }
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}

import { ServerNats, type NatsOptions } from '@nestjs/microservices';

/** The namespace of request-reply subjects: CRM_EVENT_NAMESPACE, the one event subjects and streams use. */
export function rpcNamespace(env: NodeJS.ProcessEnv = process.env): string {
  const namespace = env['CRM_EVENT_NAMESPACE']?.trim() ?? '';
  if (namespace && !/^[a-z][a-z0-9]{0,30}$/.test(namespace)) {
    throw new Error(`CRM_EVENT_NAMESPACE must be lower-case letters and digits, got "${namespace}"`);
  }
  return namespace;
}

/** `contacts.customer.get` as it travels under a namespace: `<namespace>.contacts.customer.get`. */
export function rpcSubject(pattern: string, namespace = rpcNamespace()): string {
  return namespace ? `${namespace}.${pattern}` : pattern;
}

/**
 * Nest's NATS server with every @MessagePattern subscribed under the
 * namespace, so two installs (or two test runs) on one NATS never answer
 * each other's requests, as their events never mix.
 */
export class NamespacedNatsServer extends ServerNats {
  private prefixed = false;

  constructor(
    options: Required<NatsOptions>['options'],
    private readonly namespace: string,
  ) {
    super(options);
  }

  override bindEvents(client: unknown): void {
    if (this.namespace && !this.prefixed) {
      const handlers = [...this.messageHandlers];
      this.messageHandlers.clear();
      for (const [pattern, handler] of handlers) this.messageHandlers.set(rpcSubject(pattern, this.namespace), handler);
      this.prefixed = true;
    }
    super.bindEvents(client);
  }
}

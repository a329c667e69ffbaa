import type { ChannelSender, OutgoingMessage } from './channel';

/**
 * SMS (and social) through a provider's HTTP API: POST {base}/messages with
 * a bearer key, answered with {id}. Any 2xx with an id is accepted; anything
 * else fails the message with the provider's status.
 */
export class HttpSender implements ChannelSender {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  async send(m: OutgoingMessage): Promise<{ providerId: string }> {
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        'idempotency-key': m.messageId,
      },
      body: JSON.stringify({ to: m.to, text: m.text, reference: m.messageId }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as { id?: unknown };
    if (!res.ok || typeof body.id !== 'string') throw new Error(`provider answered ${res.status}`);
    return { providerId: body.id };
  }

  async close(): Promise<void> {
    /* nothing held open */
  }
}

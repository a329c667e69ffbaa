import { randomUUID } from 'node:crypto';
import { ErrorCode, type NatsConnection, type NatsError } from 'nats';

export class RpcError extends Error {
  constructor(
    readonly reason: 'timeout' | 'unavailable' | 'failed',
    readonly pattern: string,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/**
 * Asks a service over NATS request-reply, speaking the packet format of
 * NestJS `@MessagePattern` handlers, with an explicit deadline. A service
 * that is down fails fast (no responders); a slow one times out.
 */
export async function requestReply<T>(
  nc: NatsConnection,
  pattern: string,
  data: unknown,
  timeoutMs: number,
): Promise<T> {
  const id = randomUUID();
  let reply;
  try {
    reply = await nc.request(pattern, JSON.stringify({ pattern, data, id }), { timeout: timeoutMs, noMux: false });
  } catch (error) {
    const code = (error as NatsError).code;
    if (code === ErrorCode.NoResponders) {
      throw new RpcError('unavailable', pattern, `no service answers ${pattern}`);
    }
    if (code === ErrorCode.Timeout) {
      throw new RpcError('timeout', pattern, `${pattern} did not answer within ${timeoutMs} ms`);
    }
    throw new RpcError('unavailable', pattern, `${pattern}: ${(error as Error).message}`);
  }
  const packet = JSON.parse(new TextDecoder().decode(reply.data)) as {
    err?: unknown;
    response?: T;
  };
  if (packet.err !== undefined && packet.err !== null) {
    const message =
      typeof packet.err === 'object' && packet.err && 'message' in packet.err
        ? String((packet.err as { message: unknown }).message)
        : String(packet.err);
    throw new RpcError('failed', pattern, message);
  }
  return packet.response as T;
}

import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { PlatformModule } from './platform.module';
import { createServiceApp } from './service-app';

const codec = JSONCodec();

@Controller()
class EchoRpc {
  @MessagePattern('spec.echo')
  echo(@Payload() data: { n: number }) {
    return { n: data.n, from: process.env['CRM_EVENT_NAMESPACE'] };
  }
}

@Module({ imports: [PlatformModule.forRoot({ serviceName: 'spec' })], controllers: [EchoRpc] })
class EchoModule {}

async function ask(nc: NatsConnection, subject: string): Promise<unknown> {
  try {
    const packet = { pattern: subject, data: { n: 7 }, id: `${Date.now()}` };
    const reply = await nc.request(subject, codec.encode(packet), { timeout: 2000 });
    const envelope = codec.decode(reply.data) as { response?: unknown; err?: unknown };
    return envelope.response ?? envelope;
  } catch (error) {
    return { failed: (error as { code?: string }).code };
  }
}

describe('request-reply under CRM_EVENT_NAMESPACE', () => {
  const namespace = `rpc${Date.now().toString(36)}`;
  let app: NestFastifyApplication;
  let nc: NatsConnection;

  beforeAll(async () => {
    Object.assign(process.env, {
      AUTH_JWT_SECRET: 'platform-spec-secret-0123456789abcdef',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
      NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
      CRM_EVENT_NAMESPACE: namespace,
    });
    app = await createServiceApp({ name: 'spec', appModule: EchoModule, rpc: true });
    await app.listen(0, '127.0.0.1');
    nc = await connect({ servers: process.env['NATS_URL'] });
  });

  afterAll(async () => {
    await nc?.close();
    await app?.close();
    delete process.env['CRM_EVENT_NAMESPACE'];
    delete process.env['NATS_URL'];
  });

  it('answers a pattern under its namespace, and nothing on the bare subject another install uses', async () => {
    // The server subscribes once it is connected: ask until it answers (a few hundred ms at most).
    let answer: unknown;
    for (let i = 0; i < 20; i++) {
      answer = await ask(nc, `${namespace}.spec.echo`);
      if (!(answer as { failed?: string }).failed) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(answer).toEqual({ n: 7, from: namespace });
    expect(await ask(nc, 'spec.echo')).toEqual({ failed: '503' });
  });
});

import { randomUUID } from 'node:crypto';
import { Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type NatsOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError, loadConfig } from '../config/load-config';
import { ServiceConfig } from '../config/service-config';
import { JsonLogger } from '../logging/json-logger';
import { httpRequestDuration } from '../metrics/metrics';

export interface ServiceOptions {
  name: string;
  appModule: Type<unknown>;
  /** Answer NATS request-reply (@MessagePattern) on a queue group named after the service. Default true. */
  rpc?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the service's hybrid app (Fastify HTTP + NATS request-reply) with
 * the platform's edges in place; it is not listening yet.
 */
export async function createServiceApp(o: ServiceOptions): Promise<NestFastifyApplication> {
  const config = loadConfig(ServiceConfig);
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: true,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  const app = await NestFactory.create<NestFastifyApplication>(o.appModule, adapter, {
    logger: new JsonLogger(o.name, config.LOG_LEVEL),
  });
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`CRM ${o.name} service`)
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  fastify.get('/openapi.json', async () => document);

  if (o.rpc !== false) {
    app.connectMicroservice<NatsOptions>(
      {
        transport: Transport.NATS,
        options: {
          servers: config.NATS_URL.split(','),
          queue: o.name,
          name: `${o.name}-rpc`,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 1000,
          waitOnFirstConnect: true,
          gracefulShutdown: true,
          gracePeriod: 2000,
        },
      },
      { inheritAppConfig: true },
    );
    // NATS may be down: HTTP must come up anyway, and request-reply joins once NATS answers.
    const started = app.startAllMicroservices().catch((error: unknown) => {
      new Logger('Rpc').error(`request-reply not started: ${String(error)}`);
    });
    await Promise.race([started, new Promise((r) => setTimeout(r, 1000).unref())]);
  }
  return app;
}

/** The process entry: `main.js migrate` applies migrations and exits; otherwise it serves on PORT. */
export async function runService(o: ServiceOptions & { migrate: () => Promise<void> }): Promise<void> {
  const logger = new JsonLogger(o.name);
  try {
    if (process.argv[2] === 'migrate') {
      await o.migrate();
      logger.log(`${o.name}: migrations applied`, 'Migrate');
      process.exit(0);
    }
    const app = await createServiceApp(o);
    const { PORT } = loadConfig(ServiceConfig);
    await app.listen(PORT, '0.0.0.0');
    logger.log(`${o.name} listening on http://0.0.0.0:${PORT}`, 'Bootstrap');
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${o.name}: ${error.message}\n`);
    } else {
      logger.error(error instanceof Error ? error : String(error), 'Bootstrap');
    }
    process.exit(1);
  }
}

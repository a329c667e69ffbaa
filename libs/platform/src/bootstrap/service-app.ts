import { Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig } from '../config/load-config';
import { ServiceConfig } from '../config/service-config';
import { JsonLogger } from '../logging/json-logger';
import { installHttpMetrics } from '../metrics/metrics.registry';
import { buildOpenApiDocument, serveOpenApi } from '../openapi/openapi';
import { recordRouteMethods } from './allowed-methods';
import { clientErrorHandler, frameworkErrors } from './framework-errors';
import { echoRequestId, requestIdFrom } from './request-id';
import { NamespacedNatsServer, rpcNamespace } from './namespaced-nats';
import { keepConnectionAfterRefusedBody } from './refused-body';

export interface ServiceOptions {
  name: string;
  appModule: Type<unknown>;
  /**
   * Answer NATS request-reply (@MessagePattern) on the queue group `name`.
   * Default: only when NATS_URL is set in the environment.
   */
  rpc?: boolean;
}

/** How long start-up waits for NATS before HTTP comes up anyway; request-reply joins once NATS answers. */
const RPC_START_GRACE_MS = 1000;

/**
 * Builds the service's app (Fastify HTTP, plus NATS request-reply when
 * enabled) with the platform's edges in place. It is not listening yet:
 * `await app.listen(port, host)`.
 */
export async function createServiceApp(o: ServiceOptions): Promise<NestFastifyApplication> {
  const config = loadConfig(ServiceConfig);
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: true,
    requestIdHeader: false,
    genReqId: requestIdFrom,
    // Errors Fastify and Node answer before any route runs leave as problems too.
    frameworkErrors,
    clientErrorHandler,
  });
  const fastify = adapter.getInstance();
  recordRouteMethods(fastify);
  echoRequestId(fastify);
  keepConnectionAfterRefusedBody(fastify);
  installHttpMetrics(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(o.appModule, adapter, {
    logger: new JsonLogger(o.name, config.LOG_LEVEL),
    // Errors reach the caller (runService prints them) instead of Nest exiting the process.
    abortOnError: false,
  });
  app.enableShutdownHooks();
  serveOpenApi(fastify, buildOpenApiDocument(app, o.name));

  if (o.rpc ?? Boolean(process.env['NATS_URL'])) {
    const options = {
      servers: config.NATS_URL.split(','),
      queue: o.name,
      name: `${o.name}-rpc`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      waitOnFirstConnect: true,
      gracefulShutdown: true,
      gracePeriod: 2000,
    } as Required<NatsOptions>['options'];
    app.connectMicroservice(
      { strategy: new NamespacedNatsServer(options, rpcNamespace()) },
      { inheritAppConfig: true },
    );
    const started = app.startAllMicroservices().catch((error: unknown) => {
      new Logger('Rpc').error(`request-reply not started: ${error instanceof Error ? error.message : String(error)}`);
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([started, new Promise<void>((resolve) => (timer = setTimeout(resolve, RPC_START_GRACE_MS)))]);
    clearTimeout(timer);
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
      return;
    }
    const app = await createServiceApp(o);
    const { PORT, HOST } = loadConfig(ServiceConfig);
    await app.listen(PORT, HOST);
    logger.log(`${o.name} listening on http://${HOST}:${PORT}`, 'Bootstrap');
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${o.name}: ${error.message}\n`);
    } else {
      logger.error(error instanceof Error ? error : String(error), 'Bootstrap');
    }
    process.exit(1);
  }
}

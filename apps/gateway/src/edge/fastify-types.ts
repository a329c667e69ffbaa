import type { FastifyAdapter } from '@nestjs/platform-fastify';

/*
 * Fastify's types as the Nest adapter uses them. `fastify` is only a
 * transitive dependency of @nestjs/platform-fastify here, and the workspace
 * forbids importing those; once it is a direct dependency these can be
 * imported from 'fastify' instead.
 */
export type FastifyRequest = Parameters<FastifyAdapter['getRequestMethod']>[0];
export type FastifyReply = Parameters<FastifyAdapter['isHeadersSent']>[0];
export type FastifyInstance = FastifyRequest['server'];

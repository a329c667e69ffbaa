import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * Uploads are streamed by their route from the request itself, so no body
 * parser may read them first: every type but JSON and URL-encoded forms
 * (which the API's other routes take) passes through unparsed and unbuffered. Routes that expect
 * JSON then see no body and answer 400 naming the missing fields.
 */
@Injectable()
export class RawUploadBodies implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const passThrough = (_request: unknown, _payload: unknown, done: (e: null, body: undefined) => void) =>
      done(null, undefined);
    // Fastify's own text/plain parser would read a text file whole.
    if (fastify.hasContentTypeParser('text/plain')) fastify.removeContentTypeParser('text/plain');
    fastify.addContentTypeParser('text/plain', passThrough);
    fastify.addContentTypeParser('*', passThrough);
    fastify.addContentTypeParser('multipart/form-data', passThrough);
  }
}

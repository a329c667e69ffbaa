import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { validationFailed } from '@crm/platform';

/** Content types a CSV upload may be sent as. */
export const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream'];

/** Largest CSV an import takes (IMPORT_MAX_BYTES, default 1 GiB). */
export const importMaxBytes = (): number => Number(process.env['IMPORT_MAX_BYTES'] ?? 1 << 30);

/** A CSV body is not parsed by Fastify: the import route reads it as a stream. Once per app. */
export function acceptCsvBodies(fastify: FastifyInstance): void {
  if (!fastify.hasContentTypeParser('text/csv')) {
    fastify.addContentTypeParser(CSV_TYPES, { bodyLimit: importMaxBytes() }, (_req, payload, done) =>
      done(null, payload),
    );
  }
}

/** The request's body as the CSV stream, or a 400 naming content-type. */
export function csvBody(req: FastifyRequest): Readable {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim();
  if (!CSV_TYPES.includes(type))
    throw validationFailed([{ field: 'content-type', message: 'must be text/csv (the file as the body)' }]);
  return req.body as Readable;
}

/** The `delimiter` query value as the character (`tab` is a tab). */
export function delimiterOf(given: string | undefined): string | undefined {
  return given === 'tab' ? '\t' : given;
}

/** Sends a generator's text as the body; its first step runs before the headers go (so a 404 is still a 404). */
export async function sendText(
  reply: FastifyReply,
  contentType: string,
  text: AsyncGenerator<string>,
  headers: Record<string, string> = {},
): Promise<FastifyReply> {
  const first = await text.next();
  void reply.header('content-type', contentType);
  for (const [k, v] of Object.entries(headers)) void reply.header(k, v);
  return reply.send(
    Readable.from(
      (async function* () {
        if (!first.done) yield first.value;
        yield* text;
      })(),
    ),
  );
}

/** Server-sent events from `events(open)` until it ends or the client goes. */
export async function sendEvents(
  reply: FastifyReply,
  events: (open: () => boolean) => AsyncGenerator<string>,
): Promise<void> {
  let open = true;
  const stream = events(() => open);
  const first = await stream.next();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  reply.raw.on('close', () => (open = false));
  if (!first.done) reply.raw.write(first.value);
  for await (const e of stream) reply.raw.write(e);
  reply.raw.end();
}

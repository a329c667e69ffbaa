import { Agent, request as httpRequest } from 'node:http';
import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { Public } from '../auth/auth.decorators';
import { PlatformModule } from './platform.module';
import { createServiceApp } from './service-app';

class InnerDto {
  @IsOptional() @IsString() note?: string;
}

class NoteDto {
  @IsString() @MaxLength(50) text!: string;
  @IsOptional() @ValidateNested() @Type(() => InnerDto) inner?: InnerDto;
}

@Public()
@Controller('notes')
class NotesController {
  @Post()
  create(@Body() body: NoteDto) {
    return { id: 'n1', text: body.text };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }

  @Post(':id/comments')
  comment() {
    return { id: 'c1' };
  }

  @Get(':id/comments')
  comments() {
    return [];
  }

  @Post(':id/archive')
  archive() {
    return { id: 'n1' };
  }
}

@Module({ imports: [PlatformModule.forRoot({ serviceName: 'spec' })], controllers: [NotesController] })
class SpecModule {}

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

describe('errors Fastify and Node answer before any route, and other edges, as problem+json (real HTTP)', () => {
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    Object.assign(process.env, {
      AUTH_JWT_SECRET: 'platform-spec-secret-0123456789abcdef',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
    });
    delete process.env['NATS_URL'];
    app = await createServiceApp({ name: 'spec', appModule: SpecModule });
    await app.listen(0, '127.0.0.1');
    port = Number(new URL(await app.getUrl()).port);
  });
  afterAll(() => app.close());

  /** node:http, so paths and headers go out exactly as written (fetch would normalise them). */
  const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<RawAnswer>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          headers: body ? { 'content-type': 'application/json', ...headers } : headers,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const expectProblem = (res: RawAnswer, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, code });
  };

  it('answers a body over the limit with 413 problem+json to a client writing all of it, and keeps its connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, bytes: number) =>
      new Promise<{ status: number; type?: string; connection?: number }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            agent,
            headers: bytes ? { 'content-type': 'application/json', 'content-length': String(bytes) } : {},
          },
          (res) => {
            const connection = res.socket.localPort;
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], connection }),
            );
          },
        );
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        for (let sent = 0; sent < bytes; sent += chunk.length)
          req.write(chunk.subarray(0, Math.min(chunk.length, bytes - sent)));
        req.end();
      });
    try {
      // 2 MiB against the default 1 MiB limit, written to the end as Node clients and proxies do.
      const big = await send('POST', '/notes', 2 * 1024 * 1024);
      expect(big.status).toBe(413);
      expect(big.type).toContain('application/problem+json');
      const next = await send('GET', '/notes/n1', 0);
      // The same client port: the same TCP connection (reusedSocket is false for a request that queued for it).
      expect(next).toMatchObject({ status: 200, connection: big.connection });
    } finally {
      agent.destroy();
    }
  });

  it('answers headers too large with 431 problem+json', async () => {
    const res = await raw('GET', '/notes/1', { 'x-big': 'x'.repeat(20_000) });
    expectProblem(res, 431, 'HEADERS_TOO_LARGE');
    expect(JSON.stringify(res.body)).toContain('headers');
  });

  it('answers a path parameter past the length limit with 414 problem+json', async () => {
    expectProblem(await raw('GET', `/notes/${'a'.repeat(500)}`), 414, 'PATH_TOO_LONG');
  });

  it('answers a path that does not percent-decode with 400 problem+json naming the path', async () => {
    const res = await raw('GET', '/notes/%E0%A4%A');
    expectProblem(res, 400, 'URL_INVALID');
    expect(res.body['errors']).toEqual([{ field: 'path', message: expect.any(String) }]);
  });

  it('answers a method the path does not take with 405 and Allow', async () => {
    const put = await raw('PUT', '/notes', {}, '{}');
    expectProblem(put, 405, 'METHOD_NOT_ALLOWED');
    expect(put.headers['allow']).toBe('POST');
    const del = await raw('DELETE', '/notes/n1');
    expectProblem(del, 405, 'METHOD_NOT_ALLOWED');
    expect(del.headers['allow']).toBe('GET, HEAD');
    expectProblem(await raw('PUT', '/elsewhere'), 404, 'ROUTE_NOT_FOUND');
  });

  it('shows the path the client used behind a proxy prefix, in instance and in the Location every 201 carries', async () => {
    const res = await raw('PUT', '/notes', { 'x-forwarded-prefix': '/api/v1' }, '{}');
    expect(res.body['instance']).toBe('/api/v1/notes');
    expect((await raw('PUT', '/notes', { 'x-forwarded-prefix': '/api/v1?x=<script>' }, '{}')).body['instance']).toBe(
      '/notes',
    );
    const created = await raw('POST', '/notes', { 'x-forwarded-prefix': '/api/v1' }, JSON.stringify({ text: 'hi' }));
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe('/api/v1/notes/n1');
    expect((await raw('POST', '/notes', {}, JSON.stringify({ text: 'hi' }))).headers['location']).toBe('/notes/n1');
    expect((await raw('POST', '/notes/n1/comments')).headers['location']).toBe('/notes/n1/comments');
    expect((await raw('POST', '/notes/n1/archive')).headers['location']).toBeUndefined();
  });

  it.each([
    ['a NUL byte in a body string', JSON.stringify({ text: 'a\u0000b' }), 'text'],
    ['a NUL byte in a nested string', JSON.stringify({ text: 'ok', inner: { note: '\u0000' } }), 'inner.note'],
    ['a lone surrogate', '{"text": "\\ud800"}', 'text'],
    ['a lone low surrogate', '{"text": "x\\udc00y"}', 'text'],
    ['a NUL byte in a key', '{"text": "ok", "inner": {"a\\u0000": 1}}', 'inner'],
    ['JSON nested 100,000 deep', `{"text":"ok","inner":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'inner'],
  ])('refuses %s with 400 naming the field', async (_label, body, field) => {
    const res = await raw('POST', '/notes', {}, body);
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body['errors']).toEqual([{ field, message: expect.any(String) }]);
  });

  it('keeps well-formed text with astral characters', async () => {
    expect((await raw('POST', '/notes', {}, JSON.stringify({ text: 'Ada 🚀 Lovelace' }))).status).toBe(201);
  });

  it('refuses a NUL byte in a query or path parameter', async () => {
    const res = await raw('GET', '/notes/a%00b');
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body['errors']).toEqual([{ field: 'id', message: expect.stringContaining('NUL') }]);
  });
});

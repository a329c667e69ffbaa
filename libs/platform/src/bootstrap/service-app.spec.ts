import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsEmail, IsInt, IsString, IsUUID, MaxLength, Min, ValidateNested, IsArray } from 'class-validator';
import { Type } from 'class-transformer';
import { signDevToken } from '../auth/dev-token';
import { RequirePermission } from '../auth/auth.decorators';
import { DomainError } from '../errors/domain-error';
import { registerHealthCheck } from '../health/health.registry';
import { PlatformModule } from './platform.module';
import { createServiceApp, runService } from './service-app';

const SECRET = 'platform-spec-secret-0123456789abcdef';

class EmailDto {
  @IsEmail()
  address!: string;
}

class ThingDto {
  @IsString()
  @MaxLength(10)
  name!: string;

  @IsInt()
  @Min(1)
  size!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EmailDto)
  emails!: EmailDto[];
}

class IdParams {
  @IsUUID()
  id!: string;
}

@Controller('things')
class ThingsController {
  @Post()
  @RequirePermission('things:write')
  create(@Body() body: ThingDto) {
    return { created: body.name };
  }

  @Get(':id')
  @RequirePermission('things:read')
  get(@Param() p: IdParams) {
    throw new DomainError('THING_NOT_FOUND', `No thing ${p.id}`, 'not_found');
  }

  @Get()
  undecorated() {
    return ['should never be seen'];
  }

  @Get('boom/now')
  @RequirePermission('things:read')
  boom() {
    throw new Error('database password is hunter2');
  }
}

const dependency = { up: true };

@Module({
  imports: [PlatformModule.forRoot({ serviceName: 'spec' })],
  controllers: [ThingsController],
  providers: [
    registerHealthCheck('queue', async () => {
      if (!dependency.up) throw new Error('queue unreachable');
    }),
  ],
})
class SpecModule {}

describe('a service built with createServiceApp, over real HTTP', () => {
  let app: NestFastifyApplication;
  let base: string;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    Object.assign(process.env, {
      AUTH_JWT_SECRET: SECRET,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
      BODY_LIMIT_BYTES: '2048',
    });
    // No NATS_URL: request-reply stays off and nothing needs a NATS server.
    delete process.env['NATS_URL'];
    app = await createServiceApp({ name: 'spec', appModule: SpecModule });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    writer = await signDevToken({ secret: SECRET, subject: 'w', permissions: ['things:write', 'things:read'] });
    reader = await signDevToken({ secret: SECRET, subject: 'r', permissions: ['things:read'] });
  });

  afterAll(() => app.close());

  const call = (method: string, path: string, token?: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body,
    });

  async function expectProblem(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as {
      code: string;
      status: number;
      type: string;
      requestId: string;
      errors?: { field: string }[];
    };
    expect(body.code).toBe(code);
    expect(body.status).toBe(status);
    expect(body.type).toBe(`urn:crm:problem:${code.toLowerCase().replace(/_/g, '-')}`);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    return body;
  }

  it('answers liveness, metrics and the OpenAPI document without a token', async () => {
    const live = await call('GET', '/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toMatch(
      /http_server_requests_seconds_count\{method="GET",route="\/health\/live",status="200"\} \d+/,
    );
    const openapi = await call('GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    const doc = (await openapi.json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toContain('/things');
    expect(Object.keys(doc.paths)).not.toContain('/health/live');
    expect(doc.components.securitySchemes['bearer']).toBeDefined();
  });

  it('is ready while every check passes and answers 503 naming the failing one otherwise', async () => {
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { queue: { status: 'up' } } });
    dependency.up = false;
    try {
      const body = await expectProblem(await call('GET', '/health/ready'), 503, 'NOT_READY');
      expect(body).toMatchObject({
        failing: ['queue'],
        checks: { queue: { status: 'down', error: 'queue unreachable' } },
      });
      expect((await call('GET', '/health/live')).status).toBe(200);
    } finally {
      dependency.up = true;
    }
  });

  it('does not start request-reply when NATS_URL is not set', () => {
    expect(app.getMicroservices()).toHaveLength(0);
  });

  it('accepts a valid body from a caller with the permission', async () => {
    const res = await call(
      'POST',
      '/things',
      writer,
      JSON.stringify({ name: 'lamp', size: 2, emails: [{ address: 'a@b.co' }] }),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ created: 'lamp' });
  });

  it('refuses a missing token with 401 and a missing permission with 403 naming it', async () => {
    await expectProblem(await call('POST', '/things', undefined, '{}'), 401, 'UNAUTHENTICATED');
    const body = await expectProblem(await call('POST', '/things', reader, '{}'), 403, 'PERMISSION_DENIED');
    expect(JSON.stringify(body)).toContain('things:write');
    await expectProblem(
      await call('GET', '/things/0190f0f0-0000-7000-8000-000000000001', 'not.a.jwt'),
      401,
      'TOKEN_INVALID',
    );
  });

  it('closes a route that declares no permission, even to a valid caller', async () => {
    await expectProblem(await call('GET', '/things', writer), 403, 'PERMISSION_DENIED');
  });

  it('names each invalid field, nested ones by path, and refuses unknown fields', async () => {
    const res = await call(
      'POST',
      '/things',
      writer,
      JSON.stringify({ name: 'far too long a name', size: 'big', emails: [{ address: 'nope' }], colour: 'red' }),
    );
    const body = await expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = body.errors!.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'size', 'emails.0.address', 'colour']));
  });

  it('turns broken JSON, oversized bodies, bad ids, unknown routes and domain errors into problems', async () => {
    await expectProblem(await call('POST', '/things', writer, '{"name": "x",'), 400, 'MALFORMED_JSON');
    await expectProblem(
      await call('POST', '/things', writer, '', { 'content-type': 'application/json' }),
      400,
      'MALFORMED_JSON',
    );
    await expectProblem(
      await call('POST', '/things', writer, JSON.stringify({ name: 'x'.repeat(5000) })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await expectProblem(
      await call('POST', '/things', writer, 'name,size', { 'content-type': 'text/csv' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(await call('POST', '/things', writer, '[1,2]'), 400, 'VALIDATION_FAILED');
    const badId = await expectProblem(await call('GET', '/things/not-a-uuid', reader), 400, 'VALIDATION_FAILED');
    expect(badId.errors![0].field).toBe('id');
    await expectProblem(
      await call('GET', '/things/0190f0f0-0000-7000-8000-000000000001', reader),
      404,
      'THING_NOT_FOUND',
    );
    await expectProblem(await call('GET', '/nowhere', reader), 404, 'ROUTE_NOT_FOUND');
  });

  it('hides the internals of an unexpected error behind a 500 problem, and logs them', async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let body: Record<string, unknown>;
    try {
      body = await expectProblem(
        await call('GET', '/things/boom/now', reader, undefined, { 'x-request-id': 'boom-1' }),
        500,
        'INTERNAL_ERROR',
      );
    } finally {
      write.mockRestore();
    }
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(body).toMatchObject({
      instance: '/things/boom/now',
      requestId: 'boom-1',
      detail: 'An unexpected error occurred',
    });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['level'] === 'error');
    expect(logged).toMatchObject({ service: 'spec', context: 'Errors', msg: expect.stringContaining('hunter2') });
    expect(logged!['msg']).toContain('boom-1');
    expect(logged!['stack']).toContain('ThingsController.boom');
  });

  it('keeps a sane caller-supplied request id and replaces an unsafe one', async () => {
    expect(
      (await call('GET', '/health/live', undefined, undefined, { 'x-request-id': 'abc-123' })).headers.get(
        'x-request-id',
      ),
    ).toBe('abc-123');
    const replaced = (
      await call('GET', '/health/live', undefined, undefined, { 'x-request-id': 'bad id\twith tab' })
    ).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('runService', () => {
  let exit: jest.SpiedFunction<typeof process.exit>;
  let stderr: string[];
  let stdout: string[];
  const argv = process.argv;

  beforeEach(() => {
    stderr = [];
    stdout = [];
    exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
  });

  afterEach(() => {
    process.argv = argv;
    jest.restoreAllMocks();
  });

  it('runs the migrations and exits 0 when asked to migrate', async () => {
    process.argv = [argv[0], 'main.js', 'migrate'];
    const migrate = jest.fn(async () => undefined);
    await runService({ name: 'spec', appModule: SpecModule, migrate });
    expect(migrate).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when the migrations fail', async () => {
    process.argv = [argv[0], 'main.js', 'migrate'];
    await runService({
      name: 'spec',
      appModule: SpecModule,
      migrate: () => Promise.reject(new Error('relation "people" already exists')),
    });
    expect(exit).toHaveBeenCalledWith(1);
    expect(exit).not.toHaveBeenCalledWith(0);
    expect(stdout.join('')).toContain('relation \\"people\\" already exists');
  });

  it('stops with a message naming each bad variable before serving', async () => {
    process.argv = [argv[0], 'main.js'];
    const saved = { ...process.env };
    try {
      delete process.env['DATABASE_URL'];
      process.env['PORT'] = 'eighty';
      await runService({ name: 'spec', appModule: SpecModule, migrate: async () => undefined });
    } finally {
      process.env = saved;
    }
    expect(exit).toHaveBeenCalledWith(1);
    expect(stderr.join('')).toContain('DATABASE_URL: is required');
    expect(stderr.join('')).toContain('PORT');
  });
});

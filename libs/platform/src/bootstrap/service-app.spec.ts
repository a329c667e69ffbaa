import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsEmail, IsInt, IsString, IsUUID, MaxLength, Min, ValidateNested, IsArray } from 'class-validator';
import { Type } from 'class-transformer';
import { signDevToken } from '../auth/dev-token';
import { RequirePermission } from '../auth/principal';
import { DomainError } from '../errors/domain-error';
import { PlatformModule } from '../platform.module';
import { createServiceApp } from './service-app';

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

@Module({ imports: [PlatformModule.forRoot({ serviceName: 'spec' })], controllers: [ThingsController] })
class SpecModule {}

describe('a service built with createServiceApp, over real HTTP', () => {
  let app: NestFastifyApplication;
  let base: string;
  let writer: string;
  let reader: string;

  beforeAll(async () => {
    Object.assign(process.env, { AUTH_JWT_SECRET: SECRET, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused', BODY_LIMIT_BYTES: '2048' });
    app = await createServiceApp({ name: 'spec', appModule: SpecModule, rpc: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    writer = await signDevToken({ secret: SECRET, subject: 'w', permissions: ['things:write', 'things:read'] });
    reader = await signDevToken({ secret: SECRET, subject: 'r', permissions: ['things:read'] });
  });

  afterAll(() => app.close());

  const call = (method: string, path: string, token?: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body,
    });

  async function expectProblem(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { code: string; status: number; type: string; requestId: string; errors?: { field: string }[] };
    expect(body.code).toBe(code);
    expect(body.status).toBe(status);
    expect(body.type).toBe(`urn:crm:problem:${code.toLowerCase().replace(/_/g, '-')}`);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    return body;
  }

  it('answers liveness, metrics and the OpenAPI document without a token', async () => {
    expect(await (await call('GET', '/health/live')).json()).toEqual({ status: 'ok' });
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('http_server_requests_seconds');
    const doc = (await (await call('GET', '/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/things');
  });

  it('accepts a valid body from a caller with the permission', async () => {
    const res = await call('POST', '/things', writer, JSON.stringify({ name: 'lamp', size: 2, emails: [{ address: 'a@b.co' }] }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ created: 'lamp' });
  });

  it('refuses a missing token with 401 and a missing permission with 403 naming it', async () => {
    await expectProblem(await call('POST', '/things', undefined, '{}'), 401, 'UNAUTHENTICATED');
    const body = await expectProblem(await call('POST', '/things', reader, '{}'), 403, 'PERMISSION_DENIED');
    expect(JSON.stringify(body)).toContain('things:write');
    await expectProblem(await call('GET', '/things', 'not.a.jwt'), 401, 'TOKEN_INVALID');
  });

  it('closes a route that declares no permission, even to a valid caller', async () => {
    await expectProblem(await call('GET', '/things', writer), 403, 'PERMISSION_DENIED');
  });

  it('names each invalid field, nested ones by path, and refuses unknown fields', async () => {
    const res = await call('POST', '/things', writer, JSON.stringify({ name: 'far too long a name', size: 'big', emails: [{ address: 'nope' }], colour: 'red' }));
    const body = await expectProblem(res, 400, 'VALIDATION_FAILED');
    const fields = body.errors!.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'size', 'emails.0.address', 'colour']));
  });

  it('turns broken JSON, oversized bodies, bad ids, unknown routes and domain errors into problems', async () => {
    await expectProblem(await call('POST', '/things', writer, '{"name": "x",'), 400, 'MALFORMED_JSON');
    await expectProblem(await call('POST', '/things', writer, JSON.stringify({ name: 'x'.repeat(5000) })), 413, 'PAYLOAD_TOO_LARGE');
    const badId = await expectProblem(await call('GET', '/things/not-a-uuid', reader), 400, 'VALIDATION_FAILED');
    expect(badId.errors![0].field).toBe('id');
    await expectProblem(await call('GET', '/things/0190f0f0-0000-7000-8000-000000000001', reader), 404, 'THING_NOT_FOUND');
    await expectProblem(await call('GET', '/nowhere', reader), 404, 'ROUTE_NOT_FOUND');
  });

  it('hides the internals of an unexpected error behind a 500 problem', async () => {
    const res = await call('GET', '/things/boom/now', reader);
    const text = JSON.stringify(await expectProblem(res, 500, 'INTERNAL_ERROR'));
    expect(text).not.toContain('hunter2');
  });

  it('keeps a sane caller-supplied request id and replaces an unsafe one', async () => {
    expect((await call('GET', '/health/live', undefined, undefined, { 'x-request-id': 'abc-123' })).headers.get('x-request-id')).toBe('abc-123');
    const replaced = (await call('GET', '/health/live', undefined, undefined, { 'x-request-id': 'bad id\twith tab' })).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});

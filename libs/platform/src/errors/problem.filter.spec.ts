import { Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { errorCodes } from 'fastify';
import { lastValueFrom, type Observable } from 'rxjs';
import { DomainError } from './domain-error';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem';
import { ProblemFilter } from './problem.filter';

class FakeReply {
  sent = false;
  statusCode = 200;
  headers: Record<string, string> = {};
  body: unknown;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  send(body: unknown) {
    this.body = body;
    this.sent = true;
    return this;
  }
}

function httpHost(reply: FakeReply, url = '/contacts/42?expand=all'): ArgumentsHost {
  const request = { url, method: 'POST', id: 'req-1', headers: {}, server: {} };
  return {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply, getNext: () => undefined }),
  } as unknown as ArgumentsHost;
}

function catchHttp(error: unknown): { reply: FakeReply; body: Problem } {
  const reply = new FakeReply();
  new ProblemFilter().catch(error, httpHost(reply));
  return { reply, body: reply.body as Problem };
}

describe('the problem filter', () => {
  let logged: string[];

  beforeEach(() => {
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown, ...rest: unknown[]) => {
      logged.push([message, ...rest].map(String).join(' '));
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers a domain error as application/problem+json with its code, the path and the request id', () => {
    const { reply, body } = catchHttp(new DomainError('CONTACT_NOT_FOUND', 'No contact 42', 'not_found'));
    expect(reply.statusCode).toBe(404);
    expect(reply.headers['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(body).toEqual({
      type: 'urn:crm:problem:contact-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No contact 42',
      code: 'CONTACT_NOT_FOUND',
      instance: '/contacts/42',
      requestId: 'req-1',
    });
    expect(logged).toEqual([]);
  });

  it('lists field problems of a validation error', () => {
    const errors = [{ field: 'emails.0.address', message: 'must be an email' }];
    const { reply, body } = catchHttp(
      new DomainError('VALIDATION_FAILED', 'Invalid request: emails.0.address', 'invalid', { errors }),
    );
    expect(reply.statusCode).toBe(400);
    expect(body.errors).toEqual(errors);
  });

  it('answers an unknown route with ROUTE_NOT_FOUND', () => {
    const { reply, body } = catchHttp(new NotFoundException('Cannot POST /contacts/42'));
    expect(reply.statusCode).toBe(404);
    expect(body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers broken JSON, an oversized body and a wrong content type with 400, 413 and 415', () => {
    expect(catchHttp(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY()).body).toMatchObject({
      status: 400,
      code: 'MALFORMED_JSON',
    });
    expect(catchHttp(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()).body).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(catchHttp(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain')).reply.statusCode).toBe(415);
  });

  it('asks for a bearer token on a 401', () => {
    const { reply } = catchHttp(new DomainError('UNAUTHENTICATED', 'A bearer token is required', 'unauthenticated'));
    expect(reply.statusCode).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer');
  });

  it('hides an unexpected error behind a 500 and logs it with its stack', () => {
    const { reply, body } = catchHttp(new TypeError('cannot read secretKey of undefined'));
    expect(reply.statusCode).toBe(500);
    expect(body).toMatchObject({ code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred', requestId: 'req-1' });
    expect(JSON.stringify(body)).not.toContain('secretKey');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('cannot read secretKey');
    expect(logged[0]).toContain('POST /contacts/42');
    expect(logged[0]).toContain('problem.filter.spec.ts');
  });

  it('does not log a 503 raised on purpose', () => {
    catchHttp(new DomainError('NOT_READY', 'database down', 'unavailable'));
    expect(logged).toEqual([]);
  });

  it('leaves a reply that was already sent alone', () => {
    const reply = new FakeReply();
    reply.sent = true;
    new ProblemFilter().catch(new DomainError('X', 'y'), httpHost(reply));
    expect(reply.body).toBeUndefined();
  });

  it('gives a request-reply caller the code and message as the error of its reply', async () => {
    const host = {
      getType: () => 'rpc',
      switchToRpc: () => ({ getContext: () => ({ getSubject: () => 'contacts.customer.get' }), getData: () => ({}) }),
    } as unknown as ArgumentsHost;
    const result = new ProblemFilter().catch(
      new DomainError('CONTACT_NOT_FOUND', 'No contact 42', 'not_found'),
      host,
    ) as Observable<never>;
    await expect(lastValueFrom(result)).rejects.toMatchObject({
      status: 'error',
      statusCode: 404,
      code: 'CONTACT_NOT_FOUND',
      message: 'No contact 42',
    });
    const hidden = new ProblemFilter().catch(new Error('hunter2'), host) as Observable<never>;
    await expect(lastValueFrom(hidden)).rejects.toMatchObject({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred',
    });
    expect(logged[0]).toContain('contacts.customer.get');
  });
});

import { downstreamResponseHeaders, upstreamRequestHeaders } from './forwarding-headers';

const ctx = {
  internalToken: 'tok',
  requestId: 'req-1',
  forwardedFor: '10.0.0.9',
  host: 'crm.example.com',
  protocol: 'https',
};

describe('upstreamRequestHeaders', () => {
  it("replaces the client's credentials with the internal token and never passes cookies or API keys", () => {
    const out = upstreamRequestHeaders(
      {
        authorization: 'Bearer client-token',
        'x-api-key': 'crm_secret',
        cookie: 'sid=1',
        'content-type': 'application/json',
      },
      ctx,
    );
    expect(out['authorization']).toBe('Bearer tok');
    expect(out['x-api-key']).toBeUndefined();
    expect(out['cookie']).toBeUndefined();
    expect(out['content-type']).toBe('application/json');
  });

  it('strips hop-by-hop fields and those the connection field names', () => {
    const out = upstreamRequestHeaders(
      {
        connection: 'keep-alive, x-secret-hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        upgrade: 'h2c',
        'proxy-authorization': 'Basic x',
        'x-secret-hop': '1',
        'x-kept': 'yes',
        host: 'crm.example.com',
        expect: '100-continue',
      },
      ctx,
    );
    expect(Object.keys(out).sort()).toEqual(
      ['authorization', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-kept', 'x-request-id'].sort(),
    );
  });

  it('sets the request id, forwarding fields and trace context, replacing what the client sent', () => {
    const out = upstreamRequestHeaders(
      { 'x-request-id': 'spoofed', 'x-forwarded-for': '1.2.3.4', 'x-forwarded-host': 'evil', traceparent: 'old' },
      { ...ctx, forwardedFor: '1.2.3.4, 10.0.0.9', trace: { traceparent: '00-abc-def-01' } },
    );
    expect(out['x-request-id']).toBe('req-1');
    expect(out['x-forwarded-for']).toBe('1.2.3.4, 10.0.0.9');
    expect(out['x-forwarded-host']).toBe('crm.example.com');
    expect(out['x-forwarded-proto']).toBe('https');
    expect(out['traceparent']).toBe('00-abc-def-01');
  });

  it("tells the service the client's path prefix, never the client's own claim of one", () => {
    expect(
      upstreamRequestHeaders({ 'x-forwarded-prefix': '/evil' }, { ...ctx, prefix: '/api/v1' })['x-forwarded-prefix'],
    ).toBe('/api/v1');
    expect(upstreamRequestHeaders({ 'x-forwarded-prefix': '/evil' }, ctx)['x-forwarded-prefix']).toBeUndefined();
  });

  it('keeps the content length, so the service sees the same body framing', () => {
    expect(upstreamRequestHeaders({ 'content-length': '12' }, ctx)['content-length']).toBe('12');
  });
});

describe('downstreamResponseHeaders', () => {
  it('passes the service fields through, minus hop-by-hop ones and those the gateway sets', () => {
    const out = downstreamResponseHeaders({
      'content-type': 'application/problem+json',
      'set-cookie': ['a=1', 'b=2'],
      location: '/contacts/1',
      connection: 'close',
      'transfer-encoding': 'chunked',
      'x-request-id': 'other',
      server: 'x',
      'x-powered-by': 'y',
    });
    expect(out).toEqual({
      'content-type': 'application/problem+json',
      'set-cookie': ['a=1', 'b=2'],
      location: '/contacts/1',
    });
  });

  it("drops a service's HSTS, CSP, framing and CORS fields, so the gateway's own win, and merges Vary", () => {
    const out = downstreamResponseHeaders(
      {
        'content-type': 'text/html',
        'strict-transport-security': 'max-age=0',
        'content-security-policy': "default-src *; script-src 'unsafe-inline'",
        'x-frame-options': 'ALLOWALL',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        vary: 'Accept-Encoding, origin',
      },
      'Origin',
    );
    expect(out).toEqual({ 'content-type': 'text/html', vary: 'Origin, Accept-Encoding' });
  });
});

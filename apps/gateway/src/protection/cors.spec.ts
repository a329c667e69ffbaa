import { cors } from './cors';

const allowed = ['https://app.example.com'];

describe('cors', () => {
  it('allows a listed origin and exposes the request id', () => {
    const a = cors({ origin: 'https://app.example.com', method: 'GET' }, allowed);
    expect(a.preflight).toBe(false);
    expect(a.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(a.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(a.headers['vary']).toBe('Origin');
  });

  it('answers a preflight with the methods and headers the API takes', () => {
    const a = cors({ origin: 'https://app.example.com', method: 'OPTIONS', requestMethod: 'POST' }, allowed);
    expect(a.preflight).toBe(true);
    expect(a.headers['access-control-allow-methods']).toContain('POST');
    expect(a.headers['access-control-allow-headers']).toContain('x-api-key');
  });

  it('gives an origin that is not listed no CORS headers, preflight or not', () => {
    for (const method of ['GET', 'OPTIONS']) {
      const a = cors(
        { origin: 'https://evil.example.com', method, requestMethod: method === 'OPTIONS' ? 'POST' : undefined },
        allowed,
      );
      expect(a.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(
      cors({ origin: 'https://app.example.com', method: 'GET' }, []).headers['access-control-allow-origin'],
    ).toBeUndefined();
  });

  it('allows any origin with *', () => {
    expect(cors({ origin: 'https://x.example', method: 'GET' }, ['*']).headers['access-control-allow-origin']).toBe(
      '*',
    );
  });

  it('treats a plain OPTIONS without a requested method as no preflight', () => {
    expect(cors({ origin: 'https://app.example.com', method: 'OPTIONS' }, allowed).preflight).toBe(false);
  });
});

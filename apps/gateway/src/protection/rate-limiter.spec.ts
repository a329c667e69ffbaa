import { RateLimiter } from './rate-limiter';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RateLimiter', () => {
  it('lets a burst through, then refuses with the seconds until the next token', () => {
    const c = clock();
    const limiter = new RateLimiter({ perMinute: 60, burst: 3, now: c.now });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at the sustained rate and never beyond the burst', () => {
    const c = clock();
    const limiter = new RateLimiter({ perMinute: 6, burst: 2, now: c.now });
    limiter.take('a');
    limiter.take('a');
    const refused = limiter.take('a');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 10 });
    c.advance(5_000);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 5 });
    c.advance(5_000);
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 0 });
    c.advance(3_600_000);
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 1 });
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('counts each client on its own', () => {
    const c = clock();
    const limiter = new RateLimiter({ perMinute: 60, burst: 1, now: c.now });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('keeps memory bounded by forgetting full buckets first', () => {
    const c = clock();
    const limiter = new RateLimiter({ perMinute: 60, burst: 1, maxClients: 3, now: c.now });
    limiter.take('old');
    c.advance(2_000);
    limiter.take('b');
    limiter.take('c');
    limiter.take('d');
    expect(limiter.size).toBe(3);
    expect(limiter.take('b').allowed).toBe(false);
  });

  it('refuses a configuration that allows nothing', () => {
    expect(() => new RateLimiter({ perMinute: 0, burst: 1 })).toThrow();
    expect(() => new RateLimiter({ perMinute: 10, burst: 0 })).toThrow();
  });
});

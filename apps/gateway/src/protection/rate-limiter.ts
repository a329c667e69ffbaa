export interface RateLimitOptions {
  /** Sustained rate each client gets. */
  perMinute: number;
  /** Requests a client may make at once after being idle. */
  burst: number;
  /** Buckets kept before idle (full) ones are dropped. */
  maxClients?: number;
  now?: () => number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token bucket per client, in this process's memory: each replica limits on
 * its own, so N replicas behind a balancer allow up to N times the rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    if (!(options.perMinute > 0) || !(options.burst >= 1))
      throw new Error('rate limit needs perMinute > 0 and burst >= 1');
    this.perMs = options.perMinute / 60_000;
    this.maxClients = options.maxClients ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  take(client: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(client);
    let tokens = this.options.burst;
    if (bucket) tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    if (tokens >= 1) {
      if (!bucket && this.buckets.size >= this.maxClients) this.sweep(now);
      this.buckets.set(client, { tokens: tokens - 1, at: now });
      return { allowed: true, remaining: Math.floor(tokens - 1) };
    }
    this.buckets.set(client, { tokens, at: now });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets that have refilled completely: forgetting them changes nothing. */
  private sweep(now: number): void {
    const fullAfterMs = this.options.burst / this.perMs;
    for (const [client, b] of this.buckets) {
      if (now - b.at >= fullAfterMs) this.buckets.delete(client);
    }
    // Still full of active clients: forget the oldest rather than grow without bound.
    while (this.buckets.size >= this.maxClients) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
  }
}

/** One limiter per credential kind: people, machine clients (API keys and service tokens), and addresses without valid credentials. */
export class RateLimits {
  readonly user: RateLimiter;
  readonly apiKey: RateLimiter;
  readonly address: RateLimiter;

  constructor(limits: Record<'user' | 'apiKey' | 'address', { perMinute: number; burst: number }>, now?: () => number) {
    this.user = new RateLimiter({ ...limits.user, now });
    this.apiKey = new RateLimiter({ ...limits.apiKey, now });
    this.address = new RateLimiter({ ...limits.address, now });
  }

  forCaller(kind: 'user' | 'service' | 'api-key'): RateLimiter {
    return kind === 'user' ? this.user : this.apiKey;
  }
}

import { Injectable, type InjectionToken, type Provider } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry';

/** A readiness dependency (database, NATS): `check()` resolves when it is usable and rejects when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
  /**
   * Whether the service cannot serve without it (default true). A non-critical
   * dependency that is down leaves the service ready but degraded, e.g. NATS
   * for a service whose outbox keeps its events until NATS returns.
   */
  critical?: boolean;
}

export interface CheckResult {
  status: 'up' | 'down';
  error?: string;
  /** Present and false for a non-critical check: its failure degrades readiness instead of failing it. */
  critical?: false;
}

const checkUp = new Gauge({
  name: 'crm_readiness_check_up',
  help: 'Readiness checks at the last probe: 1 up, 0 down',
  labelNames: ['check', 'critical'] as const,
  registers: [metricsRegistry],
});

const degraded = new Gauge({
  name: 'crm_readiness_degraded',
  help: '1 while the service is ready but a non-critical dependency is down',
  registers: [metricsRegistry],
});

/**
 * Injection token for the health registry: `@Inject(HEALTH_CHECKS) checks:
 * HealthRegistry` is the same object as injecting `HealthRegistry`.
 */
export const HEALTH_CHECKS: unique symbol = Symbol('crm:health-checks');

/** Readiness checks contributed by the modules that own a dependency. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  /** Adds a check; a later one with the same name replaces it. */
  register(check: HealthCheck): void {
    this.checks.set(check.name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check at once, each bounded by the timeout, and records the outcome in the readiness metrics. */
  async run(timeoutMs = 2000): Promise<Record<string, CheckResult>> {
    const entries = await Promise.all(
      [...this.checks.values()].map(async (c): Promise<[string, CheckResult]> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(() => c.check()),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return [c.name, { status: 'up', ...optional(c) }];
        } catch (error) {
          return [
            c.name,
            { status: 'down', error: error instanceof Error ? error.message : String(error), ...optional(c) },
          ];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    for (const [name, r] of entries)
      checkUp.set({ check: name, critical: String(r.critical ?? true) }, r.status === 'up' ? 1 : 0);
    const critical = entries.filter(([, r]) => r.critical !== false);
    degraded.set(
      critical.every(([, r]) => r.status === 'up') &&
        entries.some(([, r]) => r.critical === false && r.status === 'down')
        ? 1
        : 0,
    );
    return Object.fromEntries(entries);
  }
}

function optional(c: HealthCheck): { critical?: false } {
  return c.critical === false ? { critical: false } : {};
}

/**
 * A provider that registers a readiness check when its module starts:
 * `providers: [registerHealthCheck('database', (ds: DataSource) => ds.query('SELECT 1').then(() => undefined), [DataSource])]`.
 */
export function registerHealthCheck(
  name: string,
  check: (...deps: never[]) => Promise<void>,
  inject: InjectionToken[] = [],
): Provider {
  return {
    provide: Symbol(`crm:health-check:${name}`),
    inject: [HealthRegistry, ...inject],
    useFactory: (registry: HealthRegistry, ...deps: unknown[]): HealthCheck => {
      const entry: HealthCheck = { name, check: () => check(...(deps as never[])) };
      registry.register(entry);
      return entry;
    },
  };
}

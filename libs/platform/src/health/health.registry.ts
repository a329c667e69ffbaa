import { Injectable, type InjectionToken, type Provider } from '@nestjs/common';

/** A readiness dependency (database, NATS): `check()` resolves when it is usable and rejects when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface CheckResult {
  status: 'up' | 'down';
  error?: string;
}

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

  /** Runs every check at once, each bounded by the timeout. */
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
          return [c.name, { status: 'up' }];
        } catch (error) {
          return [c.name, { status: 'down', error: error instanceof Error ? error.message : String(error) }];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return Object.fromEntries(entries);
  }
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


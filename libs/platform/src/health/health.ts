import { Controller, Get, Injectable } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/principal';
import { DomainError } from '../errors/domain-error';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/** Readiness checks contributed by the modules that own a dependency (database, NATS). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(check: HealthCheck): void {
    this.checks.set(check.name, check);
  }

  async run(timeoutMs = 2000): Promise<Record<string, { status: 'up' | 'down'; error?: string }>> {
    const entries = await Promise.all(
      [...this.checks.values()].map(async (c) => {
        try {
          await Promise.race([
            c.check(),
            new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
          ]);
          return [c.name, { status: 'up' as const }] as const;
        } catch (error) {
          return [c.name, { status: 'down' as const, error: (error as Error).message }] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  /** The process answers; dependencies are not checked here, so a database outage never restarts pods. */
  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  async ready() {
    const checks = await this.registry.run();
    const down = Object.entries(checks).filter(([, c]) => c.status === 'down');
    if (down.length) {
      throw new DomainError('NOT_READY', `Not ready: ${down.map(([n, c]) => `${n} (${c.error})`).join(', ')}`, 'unavailable', { checks });
    }
    return { status: 'ok', checks };
  }
}

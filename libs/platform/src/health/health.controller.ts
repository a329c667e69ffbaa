import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../errors/domain-error';
import { HealthRegistry, type CheckResult } from './health.registry';

export type ReadyBody =
  | { status: 'ok'; checks: Record<string, CheckResult> }
  | { status: 'degraded'; checks: Record<string, CheckResult>; degraded: string[] };

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  /** The process answers. Dependencies are not checked here, so a database outage never restarts pods. */
  @Get('live')
  @Public()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Every critical check passes: 200 with `ok`, or `degraded` naming the
   * non-critical checks that are down. A failing critical check: a 503
   * problem listing the failing ones.
   */
  @Get('ready')
  @Public()
  async ready(): Promise<ReadyBody> {
    const checks = await this.registry.run();
    const down = Object.entries(checks).filter(([, c]) => c.status === 'down' && c.critical !== false);
    if (down.length) {
      throw new DomainError(
        'NOT_READY',
        `Not ready: ${down.map(([n, c]) => `${n} (${c.error})`).join(', ')}`,
        'unavailable',
        {
          checks,
          failing: down.map(([n]) => n),
        },
      );
    }
    const degraded = Object.entries(checks)
      .filter(([, c]) => c.status === 'down')
      .map(([n]) => n);
    return degraded.length ? { status: 'degraded', checks, degraded } : { status: 'ok', checks };
  }
}

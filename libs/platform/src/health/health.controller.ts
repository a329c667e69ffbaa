import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../errors/domain-error';
import { HealthRegistry, type CheckResult } from './health.registry';

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

  /** Every registered check passes (200), or a 503 problem lists the failing ones. */
  @Get('ready')
  @Public()
  async ready(): Promise<{ status: 'ok'; checks: Record<string, CheckResult> }> {
    const checks = await this.registry.run();
    const down = Object.entries(checks).filter(([, c]) => c.status === 'down');
    if (down.length) {
      throw new DomainError('NOT_READY', `Not ready: ${down.map(([n, c]) => `${n} (${c.error})`).join(', ')}`, 'unavailable', {
        checks,
        failing: down.map(([n]) => n),
      });
    }
    return { status: 'ok', checks };
  }
}

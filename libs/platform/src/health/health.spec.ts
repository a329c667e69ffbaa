import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DomainError } from '../errors/domain-error';
import { metricsRegistry } from '../metrics/metrics.registry';
import { HealthController } from './health.controller';
import { HEALTH_CHECKS, HealthRegistry, registerHealthCheck } from './health.registry';

describe('health', () => {
  it('reports live without running any check', () => {
    const registry = new HealthRegistry();
    const check = jest.fn(() => Promise.reject(new Error('database down')));
    registry.register({ name: 'database', check });
    expect(new HealthController(registry).live()).toEqual({ status: 'ok' });
    expect(check).not.toHaveBeenCalled();
  });

  it('is ready when every check passes, and says which ran', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'database', check: async () => undefined });
    registry.register({ name: 'nats', check: async () => undefined });
    expect(await new HealthController(registry).ready()).toEqual({
      status: 'ok',
      checks: { database: { status: 'up' }, nats: { status: 'up' } },
    });
  });

  it('is not ready when a check fails, throws or hangs, and names each failing one', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'database', check: async () => undefined });
    registry.register({ name: 'nats', check: () => Promise.reject(new Error('connection refused')) });
    registry.register({
      name: 'broken',
      check: () => {
        throw new Error('sync throw');
      },
    });
    registry.register({ name: 'slow', check: () => new Promise(() => undefined) });
    const checks = await registry.run(50);
    expect(checks).toEqual({
      database: { status: 'up' },
      nats: { status: 'down', error: 'connection refused' },
      broken: { status: 'down', error: 'sync throw' },
      slow: { status: 'down', error: 'no answer within 50 ms' },
    });
  });

  it('answers readiness failure with a 503 NOT_READY listing the failing checks', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'database', check: async () => undefined });
    registry.register({ name: 'nats', check: () => Promise.reject(new Error('connection refused')) });
    const error = await new HealthController(registry).ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 503, code: 'NOT_READY', extra: { failing: ['nats'] } });
    expect((error as DomainError).message).toContain('nats (connection refused)');
  });

  it('stays ready with a non-critical check down, saying degraded in the body and in the metrics', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'database', check: async () => undefined });
    registry.register({
      name: 'nats',
      critical: false,
      check: () => Promise.reject(new Error('not connected to NATS')),
    });
    expect(await new HealthController(registry).ready()).toEqual({
      status: 'degraded',
      degraded: ['nats'],
      checks: { database: { status: 'up' }, nats: { status: 'down', critical: false, error: 'not connected to NATS' } },
    });
    const metrics = await metricsRegistry.metrics();
    expect(metrics).toMatch(/^crm_readiness_degraded 1$/m);
    expect(metrics).toMatch(/^crm_readiness_check_up\{check="nats",critical="false"\} 0$/m);
    expect(metrics).toMatch(/^crm_readiness_check_up\{check="database",critical="true"\} 1$/m);
  });

  it('is not ready when a critical check fails, even if the non-critical ones pass', async () => {
    const registry = new HealthRegistry();
    registry.register({ name: 'database', check: () => Promise.reject(new Error('connection refused')) });
    registry.register({ name: 'nats', critical: false, check: async () => undefined });
    const error = await new HealthController(registry).ready().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'NOT_READY', extra: { failing: ['database'] } });
    expect(await metricsRegistry.metrics()).toMatch(/^crm_readiness_degraded 0$/m);
  });

  it('takes checks from other modules through registerHealthCheck, with their dependencies injected', async () => {
    class Pool {
      up = false;
      async ping(): Promise<void> {
        if (!this.up) throw new Error('pool closed');
      }
    }
    @Module({
      providers: [HealthRegistry, { provide: HEALTH_CHECKS, useExisting: HealthRegistry }],
      exports: [HealthRegistry, HEALTH_CHECKS],
    })
    class PlatformLike {}
    @Module({
      imports: [PlatformLike],
      providers: [Pool, registerHealthCheck('database', (pool: Pool) => pool.ping(), [Pool])],
    })
    class PersistenceLike {}

    const moduleRef = await Test.createTestingModule({ imports: [PersistenceLike] }).compile();
    const registry = moduleRef.get<HealthRegistry>(HEALTH_CHECKS);
    expect(registry).toBe(moduleRef.get(HealthRegistry));
    expect(registry.names()).toEqual(['database']);
    expect(await registry.run()).toEqual({ database: { status: 'down', error: 'pool closed' } });
    moduleRef.get(Pool).up = true;
    expect(await registry.run()).toEqual({ database: { status: 'up' } });
    await moduleRef.close();
  });
});

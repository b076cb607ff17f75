import { ApplicationConfig } from '@nestjs/core';
import { JwtAuthGuard } from '../../src/common/auth/jwt-auth.guard';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * What runs on every request besides the route's own work. A global interceptor would put
 * every route through Nest's rxjs chain, so interceptors are bound per route (@ApiPage,
 * @Idempotent()); a library that registers one of its own (nestjs-cls does, as a no-op) is
 * kept from doing so (transaction-host.ts).
 */
describe('global enhancers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('are one guard (authentication and roles) and no interceptor', () => {
    const config = t.app.get(ApplicationConfig);
    expect(config.getGlobalInterceptors()).toEqual([]);
    expect(config.getGlobalRequestInterceptors()).toEqual([]);
    expect(config.getGlobalGuards().map((g) => g.constructor)).toEqual([JwtAuthGuard]);
  });
});

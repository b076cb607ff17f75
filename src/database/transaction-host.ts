import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';

/**
 * The unit of work of a request. `run(work)` starts a transaction (or joins the one already
 * open, e.g. the IdempotencyInterceptor's around a keyed POST); every repository reads and
 * writes through `TransactionHost.tx`, the EntityManager of that transaction, so all of them
 * join it without a `tx` argument being passed along.
 *
 * Services call `run` on this injected host rather than using the `@Transactional()` decorator:
 * the decorator finds its host through a process-wide static, which is the last application
 * created in the process, and tests run several applications, on different databases, in one.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly host: TransactionHost<TransactionalAdapterTypeOrm>) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.host.withTransaction(work);
  }
}

/**
 * nestjs-cls registers a global guard and a global interceptor even when, as here, neither is
 * mounted: they then do nothing (`canActivate: () => true`, `next.handle()`), but a global
 * interceptor puts every route of the application through Nest's rxjs interceptor chain. They
 * are left out; the test "no global guard or interceptor" keeps it so after an upgrade.
 */
function withoutIdleEnhancers(module: DynamicModule): DynamicModule {
  const idle = (p: Provider) =>
    typeof p === 'object' &&
    'provide' in p &&
    (p.provide === APP_GUARD || p.provide === APP_INTERCEPTOR);
  return {
    ...module,
    providers: module.providers?.filter((p) => !idle(p)),
    imports: module.imports?.map((m) =>
      m && typeof m === 'object' && 'module' in m ? withoutIdleEnhancers(m) : m,
    ),
  };
}

/**
 * Request-scoped transactions on AsyncLocalStorage (nestjs-cls). No middleware is mounted: a
 * context is opened only where a transaction starts, so reads pay nothing for it.
 *
 * Imported by the modules whose services open a unit of work. The TransactionHost that the
 * repositories read is provided by nestjs-cls' plugin module, which the library always makes
 * global, as @nestjs/typeorm does with the DataSource: both are the database connection itself.
 */
@Module({
  imports: [
    withoutIdleEnhancers(
      ClsModule.forRoot({
        plugins: [
          new ClsPluginTransactional({
            adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
          }),
        ],
      }),
    ),
  ],
  providers: [UnitOfWork],
  exports: [UnitOfWork],
})
export class UnitOfWorkModule {}

import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';

/**
 * The unit of work: `db.tx` is the EntityManager of the transaction the current request runs in
 * (started by `@Transactional()` on a service method, or by the IdempotencyInterceptor around a
 * keyed POST), or the DataSource's own manager outside one. Repositories read and write through
 * it, so every repository a request touches joins the one transaction without a `tx` argument.
 */
export type Db = TransactionHost<TransactionalAdapterTypeOrm>;
export { TransactionHost };

/**
 * Request-scoped transactions on AsyncLocalStorage (nestjs-cls). No middleware is mounted: a
 * context is opened only where a transaction starts, so reads pay nothing for it.
 */
export const UnitOfWorkModule = ClsModule.forRoot({
  global: true,
  plugins: [
    new ClsPluginTransactional({
      adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
    }),
  ],
});

import 'reflect-metadata';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { ConfigService } from '@nestjs/config';
import type { DataSource, EntityManager } from 'typeorm';
import { AccessRepository } from '../src/common/access/access.repository';
import { AccessService } from '../src/common/access/access.service';
import { AccountsRepository } from '../src/common/auth/accounts.repository';
import { AccountStatus } from '../src/common/auth/account-status';
import type { AuthUser } from '../src/common/auth/roles';
import type { EnvironmentVariables } from '../src/config/env.validation';
import { DisputesRepository } from '../src/disputes/disputes.repository';
import type { CancellationExpiryJob } from '../src/cancellation-requests/cancellation-expiry.job';
import type { CancellationRequestsRepository } from '../src/cancellation-requests/cancellation-requests.repository';
import type { AutoCompleteJob } from '../src/deliveries/auto-complete.job';
import { DisputesService } from '../src/disputes/disputes.service';
import { LiveEventsRepository } from '../src/live/live-events.repository';
import { LiveEventsWriter } from '../src/live/live-events.writer';
import { UnitOfWork } from '../src/database/transaction-host';
import { MessagesRepository } from '../src/messages/messages.repository';
import { MessagesService } from '../src/messages/messages.service';
import { ORDER_PARTIES } from '../src/orders/order.access';
import { OrdersRepository } from '../src/orders/orders.repository';
import { OrdersService } from '../src/orders/orders.service';
import type { EarningsService } from '../src/earnings/earnings.service';
import { ReplicaReads } from '../src/database/replica-reads';
import type { PaymentsService } from '../src/payments/payments.service';
import { ReviewsRepository } from '../src/reviews/reviews.repository';
import { ReviewsService } from '../src/reviews/reviews.service';
import { floorStatements, messageJson, type MessageJson, type Statement } from './floor/queries';

/**
 * The SQL the service sends for a scenario, taken from the service's own classes: they are
 * called with a DataSource that records every statement and answers each with one plausible
 * row. `BEGIN`/`COMMIT` mark a `dataSource.transaction` (TypeORM sends START TRANSACTION).
 * Used to EXPLAIN each scenario's queries and to prove the floor sends the same SQL.
 */
async function capture(
  viewerId: number,
  call: (ds: DataSource) => Promise<unknown>,
): Promise<Statement[]> {
  const statements: Statement[] = [];
  const now = new Date();
  const row = {
    id: 1,
    order_id: 1,
    buyer_id: viewerId,
    seller_id: viewerId + 1,
    first_party: viewerId,
    second_party: viewerId + 1,
    item_id: 1,
    final_price_cents: 12_050,
    status: 'PENDING',
    has_open_dispute: false,
    unread_count: 0,
    created_at: now,
    updated_at: now,
    sender_id: viewerId,
    content: 'captured',
    sent_at: now,
    item_found: true,
    creator_id: viewerId + 1,
    base_price_cents: 12_050,
    user_id: viewerId,
    roles: ['USER'],
    session_version: 1,
    created_by_user_id: viewerId,
    created_by_username: 'captured',
    reason: 'captured',
    resolution: null,
    closed_at: null,
    review_count: 1,
    average: '5.0',
    s1: 0,
    s2: 0,
    s3: 0,
    s4: 0,
    s5: 1,
  };
  const query = (sql: string, params: unknown[] = []) => {
    statements.push({ sql, params });
    return Promise.resolve([
      {
        ...row,
        order: { ...row, created_at: now.toISOString(), updated_at: now.toISOString() },
      },
    ]);
  };
  const ds = {
    query,
    transaction: async (work: (tx: EntityManager) => Promise<unknown>) => {
      statements.push({ sql: 'BEGIN', params: [] });
      const result = await work({ query } as unknown as EntityManager);
      statements.push({ sql: 'COMMIT', params: [] });
      return result;
    },
  } as unknown as DataSource;
  current = ds;
  try {
    await call(ds);
  } catch (err) {
    // A mapper may trip over the made-up row once the statements are sent; those are what
    // count. A route that fails before sending anything is a real problem.
    if (!statements.some((s) => s.sql !== 'BEGIN')) throw err;
  }
  return statements;
}

const user = (id: number, admin = false): AuthUser => ({
  id,
  roles: admin ? ['USER', 'ADMIN'] : ['USER'],
});

/**
 * The unit of work of the service, on the recording DataSource of the capture in progress:
 * repositories read `host.tx`, and the unit of work runs in `current.transaction`.
 */
let current: DataSource;
const host = new TransactionHost({
  getFallbackInstance: () => current as unknown as EntityManager,
  wrapWithTransaction: (
    _options: unknown,
    fn: () => Promise<unknown>,
    setTx: (tx?: EntityManager) => void,
  ) =>
    current.transaction((tx) => {
      setTx(tx);
      return fn();
    }),
  defaultTxOptions: {},
} as never);
const writer = new LiveEventsWriter(new LiveEventsRepository(host));
const uow = new UnitOfWork(host);
const access = () => new AccessService(new AccessRepository(host));
/**
 * The route guard of the order routes, @RequireParty(ORDER_PARTIES, ...), captured on its own:
 * the made-up row answers it for another id, and its refusal must not hide the handler's SQL.
 */
const orderParty = (userId: number, orderId: number, admin: boolean) => () =>
  capture(userId, () => access().requireParty(user(userId), ORDER_PARTIES, [orderId], admin));

/** Captures one after the other: a capture records on the one DataSource in `current`. */
async function concat(...parts: (() => Promise<Statement[]>)[]): Promise<Statement[]> {
  const statements: Statement[] = [];
  for (const part of parts) statements.push(...(await part()));
  return statements;
}
// The bench's order reads and creations never reach the ledger, which follows status changes.
const orders = () =>
  new OrdersService(new OrdersRepository(host), writer, uow, null as unknown as EarningsService);
const messages = () => new MessagesService(new MessagesRepository(host), writer, uow);

/** The bench runs without read replicas: every read goes through `host`. */
const noReplicas = new ReplicaReads({ options: {} } as DataSource, host);

const noCache = { get: () => 0 } as unknown as ConfigService<EnvironmentVariables, true>;

/** Per route: the statements behind one request, guards included. */
export const serviceSql = {
  /** JwtAuthGuard's account check (cached per user in the service; here always a miss). */
  account: (userId: number) =>
    capture(userId, () => new AccountStatus(new AccountsRepository(host), noCache).current(userId)),

  getOrder: (userId: number, orderId: number) =>
    concat(orderParty(userId, orderId, true), () =>
      capture(userId, () => orders().get(user(userId), orderId)),
    ),

  listOrders: (userId: number, cursor?: string) =>
    capture(userId, () => orders().list(user(userId), { limit: 50, cursor })),

  listMessages: (userId: number, orderId: number) =>
    concat(orderParty(userId, orderId, true), () =>
      capture(userId, () => messages().list(orderId, { limit: 50 })),
    ),

  postMessage: (userId: number, orderId: number, content: string) =>
    concat(orderParty(userId, orderId, false), () =>
      capture(userId, () => messages().post(user(userId), orderId, content)),
    ),

  createOrder: (userId: number, itemId: number, finalPrice: number) =>
    capture(userId, () => orders().create(user(userId), { itemId, finalPrice })),

  average: (userId: number) =>
    capture(userId, () =>
      new ReviewsService(new ReviewsRepository(host, noReplicas)).average(userId),
    ),

  openDisputes: (adminId: number) =>
    capture(adminId, () =>
      new DisputesService(
        new DisputesRepository(host),
        null as unknown as PaymentsService,
        writer,
        uow,
        access(),
        // The queue reads disputes only; the order and timer collaborators of a resolve are
        // never reached here.
        ...([null, null, null, null, null, null] as unknown as [
          OrdersRepository,
          OrdersService,
          AutoCompleteJob,
          CancellationExpiryJob,
          CancellationRequestsRepository,
          EarningsService,
        ]),
      ).openQueue({ limit: 50 }),
    ),
};

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** Differences between two statement lists, whitespace aside; empty when they match. */
export function compareStatements(service: Statement[], floor: Statement[]): string[] {
  const problems: string[] = [];
  if (service.length !== floor.length) {
    problems.push(`the service sends ${service.length} statements, the floor ${floor.length}`);
  }
  for (let i = 0; i < Math.min(service.length, floor.length); i++) {
    if (squash(service[i].sql) !== squash(floor[i].sql)) {
      problems.push(
        `statement ${i + 1} differs:\n  service: ${squash(service[i].sql)}\n  floor:   ${squash(floor[i].sql)}`,
      );
    }
    if (JSON.stringify(service[i].params) !== JSON.stringify(floor[i].params)) {
      problems.push(
        `statement ${i + 1} parameters differ: service ${JSON.stringify(service[i].params)}, ` +
          `floor ${JSON.stringify(floor[i].params)}`,
      );
    }
  }
  return problems;
}

/**
 * Whether the floor sends, for GET /orders/{id} and POST /orders/{id}/messages, the statements
 * the service sends (same SQL up to whitespace, same parameters, same transaction). Returns
 * the differences, none when they match.
 */
export async function floorSqlDifferences(
  userId: number,
  orderId: number,
  content: string,
): Promise<string[]> {
  const account = await serviceSql.account(userId);
  const read = compareStatements(
    [...account, ...(await serviceSql.getOrder(userId, orderId))],
    [
      floorStatements.account(userId),
      floorStatements.orderParties(orderId),
      floorStatements.order(orderId, userId),
    ],
  );
  const service = [...account, ...(await serviceSql.postMessage(userId, orderId, content))];
  // The event carries the inserted message as the route returns it: rebuild that row and let
  // the floor's own mapping serialize it.
  const event = service.find((s) => s.sql.includes('thread_events'));
  const payload = event?.params[3];
  const sent = JSON.parse(typeof payload === 'string' ? payload : '{}') as MessageJson;
  const inserted = {
    id: sent.id,
    order_id: sent.orderId,
    sender_id: sent.senderId,
    content: sent.content,
    sent_at: new Date(sent.sentAt),
  };
  const write = compareStatements(service, [
    floorStatements.account(userId),
    floorStatements.orderParties(orderId),
    { sql: 'BEGIN', params: [] },
    floorStatements.insertMessage(orderId, userId, content),
    floorStatements.recordMessageEvent(orderId, messageJson(inserted)),
    { sql: 'COMMIT', params: [] },
  ]);
  return [
    ...read.map((p) => `GET /orders/{id}: ${p}`),
    ...write.map((p) => `POST /orders/{id}/messages: ${p}`),
  ];
}

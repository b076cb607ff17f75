import type { Client } from 'pg';
import type { Cast } from './cast';
import type { Statement } from './floor/queries';
import { messageContent } from './scenarios';
import { serviceSql } from './service-sql';

export interface ExplainedStatement {
  sql: string;
  params: unknown[];
  plan: string;
  executionMs: number | null;
}

export interface ExplainedScenario {
  id: string;
  title: string;
  statements: ExplainedStatement[];
}

/** The statements behind one request of each scenario, with the cast's first actor. */
async function statementsByScenario(cast: Cast) {
  const reader = cast.orderReaders[0];
  const thread = cast.threadReaders[0];
  const poster = cast.posters[0];
  const orderer = cast.orderers[0];
  return [
    {
      id: 'get-order',
      title: 'GET /orders/{id}',
      statements: await serviceSql.getOrder(reader.userId, reader.ids[0]),
    },
    {
      id: 'list-orders',
      title: 'GET /orders?limit=50, busy buyer, first page',
      statements: await serviceSql.listOrders(cast.busyBuyerId),
    },
    {
      id: 'list-orders-deep',
      title: `GET /orders?limit=50, busy buyer, after ${cast.deepOffset} orders`,
      statements: await serviceSql.listOrders(cast.busyBuyerId, cast.deepCursor),
    },
    {
      id: 'list-messages',
      title: 'GET /orders/{id}/messages?limit=50, a long thread',
      statements: await serviceSql.listMessages(thread.userId, thread.ids[0]),
    },
    {
      id: 'average-star',
      title: `GET /reviews/user/{id}/average, ${cast.starReviews} reviews`,
      statements: await serviceSql.average(cast.starCreatorId),
    },
    {
      id: 'average-small',
      title: `GET /reviews/user/{id}/average, ${cast.smallReviews} reviews`,
      statements: await serviceSql.average(cast.smallCreatorId),
    },
    {
      id: 'disputes-open',
      title: 'GET /disputes/open?limit=50',
      statements: await serviceSql.openDisputes(cast.adminId),
    },
    {
      id: 'post-message',
      title: 'POST /orders/{id}/messages (rolled back)',
      statements: await serviceSql.postMessage(poster.userId, poster.ids[0], messageContent(0)),
    },
    {
      id: 'create-order',
      title: 'POST /orders (rolled back)',
      statements: await serviceSql.createOrder(orderer.userId, orderer.ids[0], 120.5),
    },
  ];
}

async function explainOne(client: Client, s: Statement): Promise<ExplainedStatement> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`,
    s.params,
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const m = /Execution Time: ([\d.]+) ms/.exec(plan);
  return { sql: s.sql, params: s.params, plan, executionMs: m ? Number(m[1]) : null };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement each scenario sends, with real parameters,
 * each run once to warm the cache and then explained. Everything runs inside a transaction
 * that is rolled back, so the writes leave nothing behind (and NOTIFY sends nothing).
 */
export async function explainScenarios(client: Client, cast: Cast): Promise<ExplainedScenario[]> {
  const out: ExplainedScenario[] = [];
  for (const scenario of await statementsByScenario(cast)) {
    const statements: ExplainedStatement[] = [];
    await client.query('BEGIN');
    try {
      for (const s of scenario.statements) {
        if (s.sql === 'BEGIN' || s.sql === 'COMMIT') continue;
        await client.query('SAVEPOINT warm');
        await client.query(s.sql, s.params);
        await client.query('ROLLBACK TO SAVEPOINT warm');
        statements.push(await explainOne(client, s));
      }
    } finally {
      await client.query('ROLLBACK');
    }
    out.push({ ...scenario, statements });
  }
  return out;
}

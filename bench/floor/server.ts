/**
 * The floor: the two hottest routes of the service, GET /orders/{id} and
 * POST /orders/{id}/messages, on bare node:http and pg, with the same JWT check, the same SQL
 * and the same JSON. No framework, no ORM, no validation library: what those routes cost
 * when nothing but the work itself is done. The benchmark measures the service against it.
 *
 * Beside it, the minimal floor, GET /minimal/orders/{id}: the least work that answers that
 * route at all. The token is verified (signature, expiry, claims) but the account is not read,
 * and the order is read with one statement by primary key, the party check made on the row it
 * returns. Same statuses for refusals (401, 400, 404, 403) and the same JSON as the service.
 *
 * Environment: DATABASE_URL, JWT_SECRET, PORT, HOST (127.0.0.1), DB_POOL_SIZE (10),
 * AUTH_CACHE_MS (5000), as the service reads them.
 */
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'pg';
import type { AuthUser } from '../../src/common/auth/roles';
import { verifyBearer } from './jwt';
import { floorStatements, messageJson, orderJson, type MessageRow, type OrderRow } from './queries';

const MAX_ID = 2_147_483_647;
const BODY_LIMIT = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function parseId(value: string): number {
  if (/^[1-9]\d{0,9}$/.test(value) && Number(value) <= MAX_ID) return Number(value);
  throw new HttpError(400, `id must be a positive integer (1 to ${MAX_ID}).`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) reject(new HttpError(413, 'The request body is too large.'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** CreateMessageDto as the service's validation pipe applies it: only `content`, trimmed. */
function messageContent(req: IncomingMessage, raw: string): string {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'Send the request body as JSON (Content-Type: application/json).');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'The request body must be a JSON object.');
  }
  const extra = Object.keys(body).filter((k) => k !== 'content');
  if (extra.length) throw new HttpError(400, `property ${extra[0]} should not exist`);
  const content = (body as { content?: unknown }).content;
  if (typeof content !== 'string') throw new HttpError(400, 'content must be a string');
  if (content.includes('\u0000')) {
    throw new HttpError(400, 'Text must not contain the NUL character (\\u0000).');
  }
  const trimmed = content.trim();
  if (trimmed.length === 0) throw new HttpError(400, 'content must not be empty');
  if ([...trimmed].length > 5000) {
    throw new HttpError(400, 'content must be shorter than or equal to 5000 characters');
  }
  return trimmed;
}

export function startFloor(env: NodeJS.ProcessEnv = process.env) {
  const secret = env.JWT_SECRET ?? '';
  if (!env.DATABASE_URL || secret.length < 32) {
    throw new Error('The floor needs DATABASE_URL and JWT_SECRET (32+ characters).');
  }
  const pool = new Pool({
    connectionString: env.DATABASE_URL,
    max: Number(env.DB_POOL_SIZE ?? 10),
    connectionTimeoutMillis: Number(env.DB_CONNECT_TIMEOUT_MS ?? 3_000),
    statement_timeout: Number(env.DB_STATEMENT_TIMEOUT_MS ?? 30_000),
  });
  // As the service's pool: a connection the server ends is dropped and the request that meets
  // it fails. Unheard, its 'error' event would be thrown and end the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));

  /**
   * JwtAuthGuard's account check (AccountStatus): the account must still be active and its
   * roles are read from the database, at most once per user per AUTH_CACHE_MS.
   */
  const ttl = Number(env.AUTH_CACHE_MS ?? 5000);
  type Account = { roles: AuthUser['roles']; sessionVersion: number } | null;
  const accounts = new Map<number, { account: Account; at: number }>();
  async function currentAccount(id: number): Promise<Account> {
    const now = Date.now();
    const hit = accounts.get(id);
    if (hit && now - hit.at < ttl) return hit.account;
    const q = floorStatements.account(id);
    const { rows } = await pool.query<{ roles: AuthUser['roles']; session_version: number }>(
      q.sql,
      q.params,
    );
    const account = rows.length
      ? { roles: rows[0].roles, sessionVersion: rows[0].session_version }
      : null;
    if (ttl > 0) {
      if (accounts.size >= 50_000) accounts.clear();
      accounts.set(id, { account, at: now });
    }
    return account;
  }

  /**
   * The route's access check (@RequireParty(ORDER_PARTIES)): 404 when missing, 403 unless
   * buyer, seller or (where allowed) admin. An order's parties never change, so, as
   * AccessService does, they are read once and kept (a missing order is not).
   */
  const parties = new Map<number, [number, number]>();
  async function requireParty(user: AuthUser, orderId: number, allowAdmin: boolean) {
    let pair = parties.get(orderId);
    if (!pair) {
      const q = floorStatements.orderParties(orderId);
      const { rows } = await pool.query<{ first_party: number; second_party: number }>(
        q.sql,
        q.params,
      );
      if (!rows.length) throw new HttpError(404, `Order ${orderId} does not exist.`);
      pair = [rows[0].first_party, rows[0].second_party];
      if (parties.size >= 100_000) parties.clear();
      parties.set(orderId, pair);
    }
    const party = pair.includes(user.id);
    if (!party && !(allowAdmin && user.roles.includes('ADMIN'))) {
      throw new HttpError(
        403,
        allowAdmin
          ? 'Only the buyer, the seller or an admin may do this on this order.'
          : 'Only the buyer or the seller of this order may do this.',
      );
    }
  }

  /**
   * The minimal GET /orders/{id}: one statement, then the party check on the row. Roles are
   * the token's (an admin may read any order, as on the service).
   */
  async function minimalOrder(user: AuthUser, orderId: number) {
    const q = floorStatements.order(orderId, user.id);
    const { rows } = await pool.query<OrderRow>(q.sql, q.params);
    if (!rows.length) throw new HttpError(404, `Order ${orderId} does not exist.`);
    const row = rows[0];
    if (row.buyer_id !== user.id && row.seller_id !== user.id && !user.roles.includes('ADMIN')) {
      throw new HttpError(403, 'Only the buyer, the seller or an admin may do this on this order.');
    }
    return row;
  }

  /** OrdersService.get: the order with the caller's unread count. */
  async function viewOrder(user: AuthUser, orderId: number) {
    const q = floorStatements.order(orderId, user.id);
    const { rows } = await pool.query<OrderRow>(q.sql, q.params);
    if (!rows.length) throw new HttpError(404, `Order ${orderId} does not exist.`);
    return rows[0];
  }

  async function postMessage(user: AuthUser, orderId: number, content: string) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const insert = floorStatements.insertMessage(orderId, user.id, content);
      const { rows } = await client.query<MessageRow>(insert.sql, insert.params);
      if (!rows.length) {
        await client.query('ROLLBACK');
        throw new HttpError(409, 'This order is CANCELLED; its thread no longer takes messages.');
      }
      const message = messageJson(rows[0]);
      const event = floorStatements.recordMessageEvent(orderId, message);
      await client.query(event.sql, event.params);
      await client.query('COMMIT');
      return message;
    } catch (err) {
      if (!(err instanceof HttpError)) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health/ready') {
      await pool.query('SELECT 1');
      return send(res, 200, { status: 'ok' });
    }
    const minimal = req.method === 'GET' ? /^\/minimal\/orders\/([^/]+)$/.exec(path) : null;
    if (minimal) {
      const caller = verifyBearer(req.headers.authorization, secret);
      if (!caller) {
        throw new HttpError(
          401,
          'The bearer token is missing, invalid or expired; log in again to get a new one.',
        );
      }
      return send(res, 200, orderJson(await minimalOrder(caller, parseId(minimal[1]))));
    }
    const order = /^\/orders\/([^/]+)$/.exec(path);
    const messages = /^\/orders\/([^/]+)\/messages$/.exec(path);
    const routed = (req.method === 'GET' && order) || (req.method === 'POST' && messages);
    if (!routed) throw new HttpError(404, `Cannot ${req.method} ${path}`);
    const claimed = verifyBearer(req.headers.authorization, secret);
    if (!claimed) {
      throw new HttpError(
        401,
        'The bearer token is missing, invalid or expired; log in again to get a new one.',
      );
    }
    const account = await currentAccount(claimed.id);
    if (!account) throw new HttpError(401, 'This account is deactivated or no longer exists.');
    if (account.sessionVersion !== claimed.sessionVersion) {
      throw new HttpError(
        401,
        "This session has ended: the account's password, roles or status changed since the " +
          'token was issued. Log in again.',
      );
    }
    const user: AuthUser = { id: claimed.id, roles: account.roles };
    const orderId = parseId(routed[1]);
    if (order) {
      await requireParty(user, orderId, true);
      return send(res, 200, orderJson(await viewOrder(user, orderId)));
    }
    const raw = await readBody(req);
    await requireParty(user, orderId, false);
    const content = messageContent(req, raw);
    send(res, 201, await postMessage(user, orderId, content));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError ? err.message : 'Internal server error.';
      if (status === 500) process.stderr.write(`floor: ${String(err)}\n`);
      const requestId = randomUUID();
      send(res, status, { statusCode: status, error: STATUS_CODES[status], message, requestId });
    });
  });
  return {
    server,
    close: async () => {
      await new Promise((done) => server.close(done));
      await pool.end();
    },
  };
}

if (require.main === module) {
  const floor = startFloor();
  const port = Number(process.env.PORT ?? 8085);
  floor.server.listen(port, process.env.HOST ?? '127.0.0.1', () => {
    process.stdout.write(`floor listening on ${port}\n`);
  });
  const stop = () => {
    floor.server.closeAllConnections();
    void floor.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { anItem, aUser, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The Idempotency-Key is claimed, the handler writes and the response is stored in one
 * transaction: a retry after any failure either replays the committed answer or runs for the
 * first time, never twice.
 */
describe('Idempotency-Key: one unit of work with the write', () => {
  let t: TestApp;
  let buyer: TestUser;
  let itemId: number;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    const seller = await aUser(t, 'seller');
    buyer = await aUser(t, 'buyer');
    itemId = (await anItem(t, seller, { basePrice: 40 })).id;
  });
  afterAll(() => t.close());

  const order = (key: string, finalPrice = 40) =>
    t.http.post('/orders').set(buyer.auth).set('Idempotency-Key', key).send({ itemId, finalPrice });
  const ordersWith = async (finalPriceCents: number): Promise<number> =>
    (
      await t.sql.query(
        'SELECT count(*)::int AS n FROM orders WHERE buyer_id = $1 AND final_price_cents = $2',
        [buyer.id, finalPriceCents],
      )
    ).rows[0].n;

  it('retried after the connection is cut between the write and the response: exactly one order', async () => {
    const key = `cut-${randomUUID()}`;
    // The connection dies when the answer is written to the key, after the order's INSERT:
    // PostgreSQL ends the session (FATAL), as a crash would. Were the key finished apart from the
    // write, the order would be committed by then, and the retry would find a key left running.
    await t.sql.query(`
      CREATE FUNCTION test_cut_connection() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
      CREATE TRIGGER test_cut_connection BEFORE INSERT OR UPDATE ON idempotency_keys
        FOR EACH ROW WHEN (NEW.key LIKE 'cut-%' AND NEW.state = 'done')
        EXECUTE FUNCTION test_cut_connection();`);
    let cut;
    try {
      cut = await order(key, 41);
    } finally {
      await t.sql.query(`DROP TRIGGER test_cut_connection ON idempotency_keys;
                         DROP FUNCTION test_cut_connection();`);
    }
    expect(cut.status).toBe(503);
    expect(cut.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(await ordersWith(4100)).toBe(0);

    // The failed try left its key free: the retry runs at once, for the first time.
    const retried = await order(key, 41).expect(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    const replayed = await order(key, 41).expect(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(retried.body);
    expect(await ordersWith(4100)).toBe(1);
  });

  it('retried after the answer was lost on the way back: the replay, and still one order', async () => {
    const key = randomUUID();
    const body = JSON.stringify({ itemId, finalPrice: 42 });
    // The client goes away before the answer arrives; the server finishes and commits anyway.
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/orders',
        headers: {
          ...buyer.auth,
          'Idempotency-Key': key,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      });
      req.on('error', () => resolve());
      req.end(body, () => {
        req.destroy();
        resolve();
      });
    });
    for (let i = 0; i < 100 && (await ordersWith(4200)) === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const retried = await order(key, 42);
    expect([retried.status, retried.headers['idempotent-replayed']]).toEqual([201, 'true']);
    expect(await ordersWith(4200)).toBe(1);
  });

  it('frees the key of a refused try at once', async () => {
    const key = randomUUID();
    await t.http
      .post('/orders')
      .set(buyer.auth)
      .set('Idempotency-Key', key)
      .send({ itemId: 2_147_483_647, finalPrice: 43 })
      .expect(404);
    await order(key, 43).expect(201);
    expect(await ordersWith(4300)).toBe(1);
  });

  it('runs one of many concurrent tries with one key; the others get 409 or the replay', async () => {
    const key = randomUUID();
    const tries = await Promise.all(Array.from({ length: 8 }, () => order(key, 44)));
    const ran = tries.filter((r) => r.status === 201 && !r.headers['idempotent-replayed']);
    const replays = tries.filter((r) => r.headers['idempotent-replayed'] === 'true');
    const inFlight = tries.filter((r) => r.status === 409);
    expect(ran).toHaveLength(1);
    expect(replays.length + inFlight.length).toBe(tries.length - 1);
    for (const r of replays) expect(r.body).toEqual(ran[0].body);
    for (const r of inFlight) expect(r.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(await ordersWith(4400)).toBe(1);
  });

  it('answers 409 only while the first try is truly in flight', async () => {
    const key = randomUUID();
    // Hold the listing's row: the first try waits inside its transaction, key claimed.
    const gate = await t.sql.connect();
    let first;
    try {
      await gate.query('BEGIN');
      await gate.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [itemId]);
      first = order(key, 45).then((r) => r);
      for (let i = 0; i < 100; i++) {
        const { rows } = await t.sql.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`,
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const second = await order(key, 45).expect(409);
      expect(second.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      // Another request with the key in flight is a reuse, not a wait.
      const other = await order(key, 46).expect(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    } finally {
      await gate.query('ROLLBACK');
      gate.release();
    }
    expect((await first).status).toBe(201);
    const after = await order(key, 45).expect(201);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(await ordersWith(4500)).toBe(1);
  });

  it('rolls the write back with the key when storing the answer fails', async () => {
    // The key table refuses this key (a constraint added for the test): storing the answer
    // fails after the handler's write, and the order goes with it.
    const key = `toolong-${randomUUID()}`;
    await t.sql.query(`ALTER TABLE idempotency_keys ADD CONSTRAINT test_refuse_key
                       CHECK (key NOT LIKE 'toolong-%') NOT VALID`);
    let refused;
    try {
      refused = await order(key, 47);
    } finally {
      await t.sql.query('ALTER TABLE idempotency_keys DROP CONSTRAINT test_refuse_key');
    }
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await ordersWith(4700)).toBe(0);
    await order(key, 47).expect(201);
    expect(await ordersWith(4700)).toBe(1);
  });
});

import { aUser, anAdmin, anItem, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * AccessService keeps the parties of orders and disputes in memory once read. That is only
 * sound because the database refuses to change them, and because only the parties are kept,
 * never a decision: the caller's roles are read as they are now on every request.
 */
describe('remembered parties', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser;
  let orderId: number;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_CACHE_MS: '0' });
    [buyer, seller, stranger] = await Promise.all([aUser(t), aUser(t), aUser(t)]);
    const item = await anItem(t, seller);
    orderId = (await t.http.post('/orders').set(buyer.auth).send({ itemId: item.id }).expect(201))
      .body.id;
  });
  afterAll(() => t.close());

  it('the database refuses to change the buyer or the seller of an order', async () => {
    for (const column of ['buyer_id', 'seller_id']) {
      await expect(
        t.sql.query(`UPDATE orders SET ${column} = $2 WHERE id = $1`, [orderId, stranger.id]),
      ).rejects.toThrow('the buyer and the seller of an order never change');
    }
    // Other columns still change.
    await t.sql.query(`UPDATE orders SET updated_at = now() WHERE id = $1`, [orderId]);
  });

  it('the database refuses to move a dispute to another order', async () => {
    const other = await t.http
      .post('/orders')
      .set(buyer.auth)
      .send({ itemId: (await anItem(t, seller)).id })
      .expect(201);
    const dispute = await t.http
      .post('/disputes')
      .set(buyer.auth)
      .send({ orderId, reason: 'The files never arrived.' })
      .expect(201);
    await expect(
      t.sql.query(`UPDATE disputes SET order_id = $2 WHERE id = $1`, [
        dispute.body.id,
        other.body.id,
      ]),
    ).rejects.toThrow('a dispute stays on the order it was opened on');
  });

  it('decides with the caller as they are now, not as they were when the parties were read', async () => {
    await t.http.get(`/orders/${orderId}`).set(buyer.auth).expect(200); // parties now in memory
    await t.http.get(`/orders/${orderId}`).set(stranger.auth).expect(403);
    await t.sql.query(`UPDATE users SET roles = ARRAY['USER','ADMIN'] WHERE id = $1`, [
      stranger.id,
    ]);
    const asAdmin = await t.http
      .post('/users/login')
      .send({ email: stranger.email, password: stranger.password })
      .expect(200);
    const admin = { Authorization: `Bearer ${asAdmin.body.token}` };
    await t.http.get(`/orders/${orderId}`).set(admin).expect(200);
    // Admins read threads but do not post in them: the route's own rule, on remembered parties.
    await t.http
      .post(`/orders/${orderId}/messages`)
      .set(admin)
      .send({ content: 'hello' })
      .expect(403);
  });

  it('does not remember a missing order: once it exists, it is found', async () => {
    const admin = await anAdmin(t);
    const { rows } = await t.sql.query<{ id: number }>(`SELECT max(id) + 1000 AS id FROM orders`);
    const futureId = rows[0].id;
    await t.http.get(`/orders/${futureId}`).set(admin.auth).expect(404);
    await t.sql.query(
      `INSERT INTO orders (id, buyer_id, seller_id, item_id, final_price_cents, status)
       SELECT $1, buyer_id, seller_id, item_id, final_price_cents, 'PENDING' FROM orders WHERE id = $2`,
      [futureId, orderId],
    );
    await t.http.get(`/orders/${futureId}`).set(buyer.auth).expect(200);
    await t.http
      .get(`/orders/${futureId}`)
      .set((await aUser(t)).auth)
      .expect(403);
  });
});

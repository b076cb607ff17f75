import { aUser, anAdmin, anItem, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const TOKEN = 'metrics-token-0123456789';

describe('operations: /metrics and /admin/stats', () => {
  let t: TestApp;
  let plain: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_ENABLED: 'true', METRICS_TOKEN: TOKEN });
    plain = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
    await plain.close();
  });

  it('has no /metrics unless METRICS_ENABLED=true', async () => {
    await plain.http.get('/metrics').expect(404);
  });

  it('serves Prometheus metrics behind METRICS_TOKEN', async () => {
    await t.http.get('/metrics').expect(401);
    await t.http.get('/metrics').set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
    await t.http.get('/health').expect(200);
    await t.http.get('/users/1').expect(404);
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(
      /echo_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]/,
    );
    expect(res.text).toMatch(/route="\/users\/:id",status="404"/);
    expect(res.text).toMatch(/^echo_db_pool_connections_in_use \d+$/m);
    expect(res.text).toMatch(/^echo_db_pool_waiting_requests \d+$/m);
    expect(res.text).toMatch(/^echo_event_streams_open 0$/m);
    expect(res.text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  describe('GET /admin/stats', () => {
    let admin: TestUser;
    beforeAll(async () => {
      admin = await anAdmin(t);
    });

    it('is for admins only', async () => {
      await t.http.get('/admin/stats').expect(401);
      await t.http
        .get('/admin/stats')
        .set((await aUser(t)).auth)
        .expect(403);
    });

    it('counts users, orders by status, open disputes and 30 days of payments', async () => {
      const before = (await t.http.get('/admin/stats').set(admin.auth).expect(200)).body;
      const [seller, buyer] = [await aUser(t), await aUser(t)];
      const itemId = (await anItem(t, seller, { basePrice: 100 })).id;
      const order = async () =>
        (await t.http.post('/orders').set(buyer.auth).send({ itemId }).expect(201)).body.id;
      const [a, b] = [await order(), await order()];
      await order();
      await t.http.patch(`/orders/${a}/status?status=IN_PROGRESS`).set(seller.auth).expect(200);
      await t.http.patch(`/orders/${b}/status?status=CANCELLED`).set(buyer.auth).expect(200);
      await t.http
        .post('/disputes')
        .set(buyer.auth)
        .send({ orderId: a, reason: 'Late delivery' })
        .expect(201);
      await t.http
        .post('/payments')
        .set(admin.auth)
        .send({ orderId: a, stripeTxId: `pi_stats_${a}`, totalAmount: 100 })
        .expect(201);
      await t.sql.query(
        `UPDATE disputes SET created_at = now() - interval '2 hours' WHERE order_id = $1`,
        [a],
      );

      const after = (await t.http.get('/admin/stats').set(admin.auth).expect(200)).body;
      expect(after.users.total - before.users.total).toBe(2);
      expect(after.orders.total - before.orders.total).toBe(3);
      expect(after.orders.byStatus.PENDING - before.orders.byStatus.PENDING).toBe(1);
      expect(after.orders.byStatus.IN_PROGRESS - before.orders.byStatus.IN_PROGRESS).toBe(1);
      expect(after.orders.byStatus.CANCELLED - before.orders.byStatus.CANCELLED).toBe(1);
      expect(after.disputes.open - before.disputes.open).toBe(1);
      expect(after.disputes.oldestOpenAgeSeconds).toBeGreaterThanOrEqual(7200);
      expect(after.payments).toMatchObject({
        days: 30,
        count: before.payments.count + 1,
        totalAmount: before.payments.totalAmount + 100,
        platformFees: before.payments.platformFees + 10,
      });
      expect(after.generatedAt).toEqual(expect.any(String));
    });

    it("adds the ledger's fees and refunds, the sellers' balances and 30 days of payouts", async () => {
      const [seller, buyer] = [await aUser(t), await aUser(t)];
      const itemId = (await anItem(t, seller, { basePrice: 100 })).id;
      const paidOrder = async () => {
        const id = (await t.http.post('/orders').set(buyer.auth).send({ itemId }).expect(201)).body
          .id as number;
        await t.http
          .post('/payments')
          .set(admin.auth)
          .send({ orderId: id, stripeTxId: `pi_ledger_${id}`, totalAmount: 100 })
          .expect(201);
        return id;
      };
      const before = (await t.http.get('/admin/stats').set(admin.auth).expect(200)).body;
      expect(before.balances.currency).toBe('EUR');
      // One order paid and PENDING; one paid, COMPLETED and cleared, then paid out; one paid
      // and refunded 20.00 through a dispute, which stays OPEN on another order: HELD.
      await paidOrder();
      const done = await paidOrder();
      for (const status of ['IN_PROGRESS', 'COMPLETED']) {
        await t.http.patch(`/orders/${done}/status?status=${status}`).set(seller.auth).expect(200);
      }
      await t.sql.query(
        `UPDATE ledger_entries SET state = 'AVAILABLE', available_at = now() WHERE order_id = $1`,
        [done],
      );
      await t.http.post('/payouts').set(admin.auth).send({ sellerId: seller.id }).expect(201);
      const refunded = await paidOrder();
      const dispute = async () =>
        (
          await t.http
            .post('/disputes')
            .set(buyer.auth)
            .send({ orderId: refunded, reason: 'Wrong size' })
            .expect(201)
        ).body.id;
      await t.http
        .patch(`/disputes/${await dispute()}/resolve`)
        .set(admin.auth)
        .send({ resolution: 'Refund 20', refundAmount: 20 })
        .expect(200);
      await dispute();

      const after = (await t.http.get('/admin/stats').set(admin.auth).expect(200)).body;
      const delta = (path: 'ledger' | 'balances' | 'payouts', key: string) =>
        Math.round((after[path][key] - before[path][key]) * 100) / 100;
      // Fees of three payments (3 × 10.00) less the 2.00 given back with the refund.
      expect(delta('ledger', 'feesKept')).toBe(28);
      expect(delta('ledger', 'refunded')).toBe(20);
      expect(delta('ledger', 'chargedBack')).toBe(0);
      expect(delta('balances', 'pending')).toBe(90);
      expect(delta('balances', 'held')).toBe(72);
      expect(delta('balances', 'available')).toBe(0);
      expect(delta('payouts', 'count')).toBe(1);
      expect(delta('payouts', 'amount')).toBe(90);
      expect(after.ledger.days).toBe(30);
      expect(after.payouts.days).toBe(30);
    });
  });
});

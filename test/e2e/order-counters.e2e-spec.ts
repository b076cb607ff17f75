import { aCast, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The unread counts and the open-dispute flag are kept on the order row by triggers
 * (migration OrderCounters). Whatever the interleaving of writers, they must equal what
 * counting gives: for each party, messages from others newer than their read marker.
 */
describe('order counters', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    t = await startTestApp({ DB_POOL_SIZE: '20', RATE_LIMIT_MESSAGES_PER_THREAD: '1000' });
    ({ buyer, seller, admin, itemId } = await aCast(t));
  });
  afterAll(() => t.close());

  const newOrder = async (): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 50 }).expect(201)).body
      .id;
  const unreadOf = async (orderId: number, who: TestUser): Promise<number> =>
    (await t.http.get(`/orders/${orderId}`).set(who.auth).expect(200)).body.unreadCount;
  /** The count as the definition gives it, straight from the tables. */
  const recount = async (orderId: number, who: TestUser): Promise<number> =>
    (
      await t.sql.query(
        `SELECT count(*)::int AS n FROM order_messages m
         WHERE m.order_id = $1 AND m.sender_id <> $2
           AND m.id > COALESCE((SELECT last_read_message_id FROM order_message_reads
                                WHERE order_id = $1 AND user_id = $2), 0)`,
        [orderId, who.id],
      )
    ).rows[0].n;
  const post = (orderId: number, who: TestUser, i: number) =>
    t.http
      .post(`/orders/${orderId}/messages`)
      .set(who.auth)
      .send({ content: `message ${i}` })
      .expect(201);
  const markRead = (orderId: number, who: TestUser) =>
    t.http.post(`/orders/${orderId}/messages/read`).set(who.auth).expect(200);

  it('counts each message for the other party, and a read marker zeroes the reader', async () => {
    const orderId = await newOrder();
    for (let i = 0; i < 3; i++) await post(orderId, buyer, i);
    await post(orderId, seller, 3);
    expect([await unreadOf(orderId, buyer), await unreadOf(orderId, seller)]).toEqual([1, 3]);
    await markRead(orderId, seller);
    expect([await unreadOf(orderId, buyer), await unreadOf(orderId, seller)]).toEqual([1, 0]);
    await post(orderId, buyer, 4);
    expect(await unreadOf(orderId, seller)).toBe(1);
    // An admin reads the thread without being a party: counted, as before the counters.
    expect(await unreadOf(orderId, admin)).toBe(5);
  });

  it('equals a recount after concurrent posts and read markers from both sides', async () => {
    const orderIds = await Promise.all([newOrder(), newOrder(), newOrder()]);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const orderId = orderIds[i % orderIds.length];
      const who = i % 2 ? seller : buyer;
      work.push(i % 7 === 6 ? markRead(orderId, who) : post(orderId, who, i));
    }
    await Promise.all(work);
    const checked: number[] = [];
    for (const orderId of orderIds) {
      for (const who of [buyer, seller]) {
        const [shown, counted] = [await unreadOf(orderId, who), await recount(orderId, who)];
        expect({ orderId, who: who.id, shown }).toEqual({ orderId, who: who.id, shown: counted });
        checked.push(shown);
      }
    }
    expect(checked).toHaveLength(6);
    expect(checked.some((n) => n > 0)).toBe(true);
  });

  it('flags the order while a dispute is open, in lists too', async () => {
    const orderId = await newOrder();
    const flag = async () => ({
      one: (await t.http.get(`/orders/${orderId}`).set(buyer.auth).expect(200)).body
        .hasOpenDispute as boolean,
      listed: (
        (await t.http.get('/orders?limit=200').set(seller.auth).expect(200)).body as {
          id: number;
          hasOpenDispute: boolean;
        }[]
      ).find((o) => o.id === orderId)?.hasOpenDispute,
    });
    expect(await flag()).toEqual({ one: false, listed: false });
    const dispute = (
      await t.http.post('/disputes').set(buyer.auth).send({ orderId, reason: 'Late' }).expect(201)
    ).body as { id: number };
    expect(await flag()).toEqual({ one: true, listed: true });
    await t.http
      .patch(`/disputes/${dispute.id}/resolve`)
      .set(admin.auth)
      .send({ resolution: 'Delivered after all.' })
      .expect(200);
    expect(await flag()).toEqual({ one: false, listed: false });
  });
});

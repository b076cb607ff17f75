import { aCast, countRows, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

type Dispute = {
  id: number;
  orderId: number;
  status: 'OPEN' | 'CLOSED';
  resolution: string | null;
  createdAt: string;
  closedAt: string | null;
};
type Message = {
  id: number;
  disputeId: number;
  userId: number;
  username: string;
  message: string;
  createdAt: string;
};

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const BAD_IDS = ['abc', '0', '1e3', '99999999999', '-1', '1.5'];
const MISSING_ID = 2_147_483_647;
const RESOLUTION = 'After reviewing the brief and deliverables, a partial refund was agreed.';

describe('dispute reads, threads and resolution', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    // The race below holds 6 requests inside the database at once.
    t = await startTestApp({ DB_POOL_SIZE: '30' });
    ({ buyer, seller, stranger, admin, itemId } = await aCast(t));
  });
  afterAll(() => t.close());

  const newOrder = async (): Promise<number> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 80 }).expect(201)).body
      .id;
  const aDispute = async (orderId?: number, who = buyer): Promise<Dispute> =>
    (
      await t.http
        .post('/disputes')
        .set(who.auth)
        .send({ orderId: orderId ?? (await newOrder()), reason: 'Files never arrived' })
        .expect(201)
    ).body;
  const post = (id: number | string, who: TestUser, body: unknown) =>
    t.http
      .post(`/disputes/${id}/messages`)
      .set(who.auth)
      .send(body as object);
  const say = async (id: number, who: TestUser, message: string): Promise<Message> =>
    (await post(id, who, { message }).expect(201)).body;
  const read = async (id: number, who = buyer) =>
    (await t.http.get(`/disputes/${id}`).set(who.auth).expect(200)).body;
  const thread = async (id: number, who = buyer): Promise<Message[]> =>
    (await read(id, who)).messages;
  const resolve = (id: number | string, who: TestUser, body: unknown, path = 'resolve') =>
    t.http
      .patch(`/disputes/${id}/${path}`)
      .set(who.auth)
      .send(body as object);
  const close = async (id: number): Promise<Dispute> =>
    (await resolve(id, admin, { resolution: RESOLUTION }).expect(200)).body;
  const expectStillOpen = async (id: number) =>
    expect(await read(id, admin)).toMatchObject({
      status: 'OPEN',
      resolution: null,
      closedAt: null,
    });
  /** Runs `act` and checks that it wrote no dispute and no dispute message. */
  const writesNothing = async <T>(act: () => Promise<T>): Promise<T> => {
    const before = [await countRows(t, 'disputes'), await countRows(t, 'dispute_messages')];
    const result = await act();
    expect([await countRows(t, 'disputes'), await countRows(t, 'dispute_messages')]).toEqual(
      before,
    );
    return result;
  };

  describe.each([
    ['GET /disputes/{id}', (id: number | string) => t.http.get(`/disputes/${id}`)],
    [
      'POST /disputes/{id}/messages',
      (id: number | string) => t.http.post(`/disputes/${id}/messages`).send({ message: 'hi' }),
    ],
  ])('%s access', (_name, call) => {
    let d: Dispute;
    beforeAll(async () => {
      d = await aDispute();
    });

    it('401 for anonymous', () => writesNothing(() => call(d.id).expect(401)));
    it('403 for a stranger', async () => {
      const res = await writesNothing(() => call(d.id).set(stranger.auth).expect(403));
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    });
    it('404 for a missing dispute', () =>
      writesNothing(() => call(MISSING_ID).set(admin.auth).expect(404)));
    it.each(BAD_IDS)('400 for the id %p', async (id) => {
      const res = await writesNothing(() => call(id).set(buyer.auth).expect(400));
      expect(res.body.message).toMatch(/id must be a positive integer/);
    });
  });

  describe('GET /disputes/{id}', () => {
    it('shows the dispute to its creator, the other party and an admin alike', async () => {
      const d = await aDispute(undefined, seller);
      const seen = await read(d.id, seller);
      expect(seen).toEqual({ ...d, messages: [] });
      expect(await read(d.id, buyer)).toEqual(seen);
      expect(await read(d.id, admin)).toEqual(seen);
    });
  });

  describe('GET /disputes/order/{orderId}', () => {
    const forOrder = (orderId: number | string, who?: TestUser) => {
      const req = t.http.get(`/disputes/order/${orderId}`);
      return who ? req.set(who.auth) : req;
    };

    it('gives the OPEN dispute, else the newest, with its messages', async () => {
      const orderId = await newOrder();
      const res = await forOrder(orderId, buyer).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      const first = await aDispute(orderId);
      const closedFirst = await close(first.id);
      expect((await forOrder(orderId, seller).expect(200)).body).toEqual({
        ...closedFirst,
        messages: [],
      });
      const second = await aDispute(orderId, seller);
      for (const who of [buyer, seller, admin]) {
        expect((await forOrder(orderId, who).expect(200)).body).toEqual({
          ...second,
          messages: [],
        });
      }
      // An older dispute that is OPEN still comes before a newer CLOSED one.
      await close(second.id);
      await t.sql.query(
        `UPDATE disputes SET status = 'OPEN', resolution = NULL, closed_at = NULL WHERE id = $1`,
        [first.id],
      );
      expect((await forOrder(orderId, buyer).expect(200)).body).toMatchObject({
        id: first.id,
        status: 'OPEN',
      });
    });

    it('401 for anonymous, 403 for a stranger, 404 for a missing order', async () => {
      const orderId = await newOrder();
      await aDispute(orderId);
      await forOrder(orderId).expect(401);
      await forOrder(orderId, stranger).expect(403);
      await forOrder(MISSING_ID, admin).expect(404);
    });

    it.each(BAD_IDS)('400 for the order id %p', async (id) => {
      const res = await forOrder(id, buyer).expect(400);
      expect(res.body.message).toMatch(/orderId must be a positive integer/);
    });
  });

  describe('POST /disputes/{id}/messages', () => {
    it('lets both parties and an admin post, and shows the thread oldest first', async () => {
      const d = await aDispute();
      const first = await say(d.id, buyer, 'The files in the delivery are the old drafts.');
      expect(first).toEqual({
        id: expect.any(Number),
        disputeId: d.id,
        userId: buyer.id,
        username: buyer.username,
        message: 'The files in the delivery are the old drafts.',
        createdAt: ISO,
      });
      const second = await say(d.id, seller, 'They are the final versions.');
      const third = await say(d.id, admin, 'Please both attach what you have.');
      const fourth = await say(d.id, buyer, 'Attached.');
      expect(second).toMatchObject({ userId: seller.id, username: seller.username });
      expect(third).toMatchObject({ userId: admin.id, username: admin.username });
      for (const who of [buyer, seller, admin]) {
        expect(await thread(d.id, who)).toEqual([first, second, third, fourth]);
      }
      const byOrder = await t.http.get(`/disputes/order/${d.orderId}`).set(seller.auth);
      expect(byOrder.body.messages).toEqual([first, second, third, fourth]);
      const times = [first, second, third, fourth].map((m) => m.createdAt);
      expect([...times].sort()).toEqual(times);
    });

    it('takes usernames from the user record, also after a rename', async () => {
      const d = await aDispute();
      const m = await say(d.id, seller, 'hello');
      await t.sql.query('UPDATE users SET username = $2 WHERE id = $1', [seller.id, 'renamed_s']);
      try {
        expect(await thread(d.id)).toEqual([{ ...m, username: 'renamed_s' }]);
        expect((await read(d.id)).createdByUsername).toBe(buyer.username);
      } finally {
        await t.sql.query('UPDATE users SET username = $2 WHERE id = $1', [
          seller.id,
          seller.username,
        ]);
      }
    });

    it('keeps each thread to its own dispute, also across a reopened order', async () => {
      const orderId = await newOrder();
      const old = await aDispute(orderId);
      const inOld = await say(old.id, buyer, 'about the first dispute');
      await close(old.id);
      const fresh = await aDispute(orderId, seller);
      expect(await thread(fresh.id)).toEqual([]);
      const inFresh = await say(fresh.id, seller, 'about the second one');
      expect(await thread(old.id, seller)).toEqual([inOld]);
      expect(await thread(fresh.id, buyer)).toEqual([inFresh]);
    });

    it.each([
      ['  hi  ', 'hi'],
      ['\n\tsee attached\r\n', 'see attached'],
      ['x'.repeat(5000), 'x'.repeat(5000)],
      [`  ${'x'.repeat(5000)}  `, 'x'.repeat(5000)],
      ['😀'.repeat(5000), '😀'.repeat(5000)],
    ])('stores a message of %#: trimmed, up to 5000 characters', async (sent, stored) => {
      const d = await aDispute();
      const m = await say(d.id, seller, sent);
      expect(m.message).toBe(stored);
      const { rows } = await t.sql.query('SELECT message FROM dispute_messages WHERE id = $1', [
        m.id,
      ]);
      expect(rows[0].message).toBe(stored);
    });

    it.each<[string, unknown, RegExp]>([
      ['an empty message', { message: '' }, /message/],
      ['a whitespace-only message', { message: ' \n\t ' }, /message/],
      ['a message of 5001 characters', { message: 'x'.repeat(5001) }, /message/],
      ['5001 code points', { message: 'a\uFE0F'.repeat(2501) }, /message/],
      ['a missing message', {}, /message/],
      ['a number', { message: 42 }, /message/],
      ['null', { message: null }, /message/],
      ['an unknown field', { message: 'hi', userId: 1 }, /property userId should not exist/],
    ])('400 for %s, writing nothing', async (_name, body, field) => {
      const d = await aDispute();
      const res = await writesNothing(() => post(d.id, buyer, body).expect(400));
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(field);
    });

    it('409 on a CLOSED dispute for the parties and an admin, writing nothing', async () => {
      const d = await aDispute();
      const before = await say(d.id, buyer, 'before the close');
      await close(d.id);
      for (const who of [buyer, seller, admin]) {
        const res = await writesNothing(() => post(d.id, who, { message: 'late' }).expect(409));
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }
      await writesNothing(() => post(d.id, stranger, { message: 'late' }).expect(403));
      expect(await thread(d.id)).toEqual([before]);
    });
  });

  describe.each(['resolve', 'close'])('PATCH /disputes/{id}/%s', (path) => {
    const call = (id: number | string, who: TestUser, body: unknown) =>
      resolve(id, who, body, path);

    it('closes the dispute with the resolution and closedAt, leaving the order as it is', async () => {
      const orderId = await newOrder();
      await t.http
        .patch(`/orders/${orderId}/status?status=IN_PROGRESS`)
        .set(seller.auth)
        .expect(200);
      const d = await aDispute(orderId);
      const m = await say(d.id, seller, 'hello');
      const res = await call(d.id, admin, { resolution: `  ${RESOLUTION}\n` }).expect(200);
      expect(res.body).toEqual({ ...d, status: 'CLOSED', resolution: RESOLUTION, closedAt: ISO });
      expect(res.body.closedAt >= d.createdAt).toBe(true);
      for (const who of [buyer, seller, admin]) {
        expect(await read(d.id, who)).toEqual({ ...res.body, messages: [m] });
      }
      const order = (await t.http.get(`/orders/${orderId}`).set(buyer.auth).expect(200)).body;
      expect(order).toMatchObject({ status: 'IN_PROGRESS', hasOpenDispute: false });
    });

    it('409 for a second resolve under either name, changing nothing', async () => {
      const d = await aDispute();
      const closed = (await call(d.id, admin, { resolution: RESOLUTION }).expect(200)).body;
      for (const again of ['resolve', 'close']) {
        const res = await resolve(d.id, admin, { resolution: 'Something else' }, again);
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }
      expect(await read(d.id)).toEqual({ ...closed, messages: [] });
    });

    it.each<[string, unknown, RegExp]>([
      ['resolution missing', {}, /resolution/],
      ['resolution empty', { resolution: '' }, /resolution/],
      ['resolution whitespace only', { resolution: '  \n ' }, /resolution/],
      ['resolution of 5001 characters', { resolution: 'x'.repeat(5001) }, /resolution/],
      ['resolution a number', { resolution: 7 }, /resolution/],
      ['refundAmount 0', { resolution: RESOLUTION, refundAmount: 0 }, /refundAmount/],
      ['refundAmount -1', { resolution: RESOLUTION, refundAmount: -1 }, /refundAmount/],
      ['refundAmount 1.001', { resolution: RESOLUTION, refundAmount: 1.001 }, /refundAmount/],
      ['refundAmount "5"', { resolution: RESOLUTION, refundAmount: '5' }, /refundAmount/],
      ['an unknown field', { resolution: RESOLUTION, status: 'OPEN' }, /property status should/],
    ])('400 for %s; the dispute stays OPEN', async (_name, body, field) => {
      const d = await aDispute();
      const res = await writesNothing(() => call(d.id, admin, body).expect(400));
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(field);
      await expectStillOpen(d.id);
    });

    it('400 for a valid refundAmount while the order has no payment; stays OPEN', async () => {
      const d = await aDispute();
      const res = await call(d.id, admin, { resolution: RESOLUTION, refundAmount: 25.5 });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      await expectStillOpen(d.id);
      expect((await t.http.get(`/orders/${d.orderId}`).set(buyer.auth)).body.hasOpenDispute).toBe(
        true,
      );
    });

    it('treats refundAmount null as no refund, like an omitted one', async () => {
      const d = await aDispute();
      const res = await call(d.id, admin, { resolution: RESOLUTION, refundAmount: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'CLOSED', resolution: RESOLUTION });
    });

    it('403 for the creator, the other party and a stranger; 401 for anonymous', async () => {
      const d = await aDispute();
      for (const who of [buyer, seller, stranger]) {
        const res = await call(d.id, who, { resolution: RESOLUTION }).expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      }
      await t.http.patch(`/disputes/${d.id}/${path}`).send({ resolution: RESOLUTION }).expect(401);
      await expectStillOpen(d.id);
    });

    it('404 for a missing dispute', () =>
      call(MISSING_ID, admin, { resolution: RESOLUTION }).expect(404));

    it.each(BAD_IDS)('400 for the id %p', async (id) => {
      const res = await call(id, admin, { resolution: RESOLUTION }).expect(400);
      expect(res.body.message).toMatch(/id must be a positive integer/);
    });
  });

  it('applies exactly one of 6 concurrent resolves; the other 5 get 409', async () => {
    const d = await aDispute();
    // Hold the dispute's row so that every request reaches the update before any applies.
    const gate = await t.sql.connect();
    await gate.query('BEGIN');
    await gate.query('SELECT id FROM disputes WHERE id = $1 FOR UPDATE', [d.id]);
    const responses = Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        resolve(d.id, admin, { resolution: `verdict #${i}` }, i % 2 ? 'close' : 'resolve'),
      ),
    );
    try {
      for (let i = 0; ; i++) {
        const { rows } = await t.sql.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (rows[0].n >= 6) break;
        if (i === 400) throw new Error("6 requests never queued on the dispute's row lock");
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await gate.query('COMMIT');
      gate.release();
    }
    const all = await responses;
    expect(all.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const winner = all.find((r) => r.status === 200)!.body as Dispute;
    expect(await read(d.id)).toMatchObject({ status: 'CLOSED', resolution: winner.resolution });
  });
});

import { aCast, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { startTestApp, type TestApp } from '../support/test-app';

type Message = { id: number; orderId: number; senderId: number; content: string; sentAt: string };

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const BAD_IDS = ['abc', '0', '1e3', '99999999999', '-1', '1.5'];
const MISSING_ID = 2_147_483_647;

describe('order messages', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    t = await startTestApp();
    ({ buyer, seller, stranger, admin, itemId } = await aCast(t));
  });
  afterAll(() => t.close());

  const newOrder = async (who = buyer): Promise<number> =>
    (await t.http.post('/orders').set(who.auth).send({ itemId, finalPrice: 50 }).expect(201)).body
      .id;
  const post = (orderId: number | string, who: TestUser, body: unknown) =>
    t.http
      .post(`/orders/${orderId}/messages`)
      .set(who.auth)
      .send(body as object);
  const say = async (orderId: number, who: TestUser, content: string): Promise<Message> =>
    (await post(orderId, who, { content }).expect(201)).body;
  const thread = async (orderId: number, who = buyer): Promise<Message[]> =>
    (await t.http.get(`/orders/${orderId}/messages`).set(who.auth).expect(200)).body;
  const setStatus = (orderId: number, status: string) =>
    t.http.patch(`/orders/${orderId}/status?status=${status}`).set(admin.auth).expect(200);
  /** Runs `act` and checks that it wrote no message. */
  const writesNothing = async <T>(act: () => Promise<T>): Promise<T> => {
    const before = await countRows(t, 'order_messages');
    const result = await act();
    expect(await countRows(t, 'order_messages')).toBe(before);
    return result;
  };

  describe('posting and reading', () => {
    it('lets the buyer and the seller post, and shows them the thread oldest first', async () => {
      const orderId = await newOrder();
      const first = await say(orderId, buyer, 'Hi, is the poster still on for Friday?');
      expect(first).toEqual({
        id: expect.any(Number),
        orderId,
        senderId: buyer.id,
        content: 'Hi, is the poster still on for Friday?',
        sentAt: ISO,
      });
      const second = await say(orderId, seller, 'Yes, drafts tomorrow.');
      expect(second).toMatchObject({ orderId, senderId: seller.id });
      const third = await say(orderId, buyer, 'Great, thanks!');
      for (const who of [buyer, seller, admin]) {
        expect(await thread(orderId, who)).toEqual([first, second, third]);
      }
      expect(second.sentAt >= first.sentAt && third.sentAt >= second.sentAt).toBe(true);
    });

    it('keeps each thread to its own order', async () => {
      const [a, b] = [await newOrder(), await newOrder()];
      const inA = await say(a, buyer, 'about order A');
      await say(b, buyer, 'about order B');
      expect(await thread(a)).toEqual([inA]);
      expect(await thread(await newOrder())).toEqual([]);
    });

    it('lets an admin read a thread but not post in it', async () => {
      const orderId = await newOrder();
      const m = await say(orderId, seller, 'hello');
      expect(await thread(orderId, admin)).toEqual([m]);
      const res = await writesNothing(() => post(orderId, admin, { content: 'hi' }).expect(403));
      expect(res.body.message).toMatch(/buyer or the seller/);
    });

    it('lets an admin who is a party post like any party', async () => {
      const orderId = await newOrder(admin);
      expect(await say(orderId, admin, 'ordering as a customer')).toMatchObject({
        senderId: admin.id,
      });
    });

    it('refuses posting on a CANCELLED order with 409 and writes nothing', async () => {
      const orderId = await newOrder();
      const before = await say(orderId, buyer, 'before the cancel');
      await setStatus(orderId, 'CANCELLED');
      for (const who of [buyer, seller]) {
        const res = await writesNothing(() => post(orderId, who, { content: 'late' }).expect(409));
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      }
      expect(await thread(orderId)).toEqual([before]);
    });

    it('still takes messages on a COMPLETED order', async () => {
      const orderId = await newOrder();
      await setStatus(orderId, 'COMPLETED');
      await say(orderId, seller, 'Thanks for the order!');
      await say(orderId, buyer, 'Thank you!');
      expect(await thread(orderId)).toHaveLength(2);
    });
  });

  describe('content', () => {
    let orderId: number;
    beforeAll(async () => {
      orderId = await newOrder();
    });

    it.each([
      ['  hi  ', 'hi'],
      ['\n\tfiles attached\r\n', 'files attached'],
      ['line one\nline two', 'line one\nline two'],
    ])('stores %p as %p', async (sent, stored) => {
      const m = await say(orderId, buyer, sent);
      expect(m.content).toBe(stored);
      const { rows } = await t.sql.query('SELECT content FROM order_messages WHERE id = $1', [
        m.id,
      ]);
      expect(rows[0].content).toBe(stored);
    });

    it.each([
      ['exactly 5000 characters', 'x'.repeat(5000)],
      ['5000 characters once trimmed', `  ${'x'.repeat(5000)}  `],
      ['5000 characters outside the BMP', '😀'.repeat(5000)],
    ])('accepts %s', async (_name, content) => {
      const m = await say(orderId, seller, content);
      expect([...m.content]).toHaveLength(5000);
    });

    it.each<[string, unknown]>([
      ['empty', { content: '' }],
      ['whitespace only', { content: ' \n\t ' }],
      ['5001 characters', { content: 'x'.repeat(5001) }],
      ['5001 characters as PostgreSQL counts them', { content: 'a\uFE0F'.repeat(2501) }],
      ['a NUL character', { content: 'a\u0000b' }],
      ['a number', { content: 42 }],
      ['null', { content: null }],
      ['an array', { content: ['hi'] }],
      ['an object', { content: { text: 'hi' } }],
      ['missing', {}],
    ])('400 for content %s, writing nothing', async (_name, body) => {
      const res = await writesNothing(() => post(orderId, buyer, body).expect(400));
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(JSON.stringify(res.body.message)).toMatch(/content|NUL/);
    });

    it('400 for an unknown field, writing nothing', async () => {
      const body = { content: 'hi', senderId: seller.id };
      const res = await writesNothing(() => post(orderId, buyer, body).expect(400));
      expect(res.body.message).toContain('property senderId should not exist');
    });
  });

  describe.each([
    ['GET', (id: number | string) => t.http.get(`/orders/${id}/messages`)],
    ['POST', (id: number | string) => t.http.post(`/orders/${id}/messages`).send({ content: 'x' })],
  ])('%s /orders/{orderId}/messages access', (_method, call) => {
    let orderId: number;
    beforeAll(async () => {
      orderId = await newOrder();
    });

    it('401 for anonymous', () => writesNothing(() => call(orderId).expect(401)));
    it('403 for a stranger', async () => {
      const res = await writesNothing(() => call(orderId).set(stranger.auth).expect(403));
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    });
    it('404 for a missing order', () =>
      writesNothing(() => call(MISSING_ID).set(buyer.auth).expect(404)));
    it.each(BAD_IDS)('400 for the order id %p', async (id) => {
      const res = await writesNothing(() => call(id).set(buyer.auth).expect(400));
      expect(res.body.message).toMatch(/orderId must be a positive integer/);
    });
  });

  describe('pagination', () => {
    it('pages through the thread oldest first, losing and repeating nothing', async () => {
      const orderId = await newOrder();
      const sent: Message[] = [];
      for (let i = 1; i <= 7; i++) sent.push(await say(orderId, i % 2 ? buyer : seller, `#${i}`));
      const all = await collectAll<Message>(t, `/orders/${orderId}/messages?limit=3`, seller.auth);
      expect(all.pages).toBe(3);
      expect(all.rows).toEqual(sent);
      const first = await t.http.get(`/orders/${orderId}/messages?limit=3`).set(buyer.auth);
      expect(first.body.map((m: Message) => m.content)).toEqual(['#1', '#2', '#3']);
      expect(first.headers.link).toContain(`cursor=${first.headers['x-next-cursor']}`);
      const whole = await t.http.get(`/orders/${orderId}/messages?limit=7`).set(buyer.auth);
      expect(whole.body).toHaveLength(7);
      expect(whole.headers).not.toHaveProperty('x-next-cursor');
      expect(whole.headers).not.toHaveProperty('link');
    });

    it.each(['limit=0', 'limit=201', 'limit=two', 'cursor=garbage'])(
      '400 for ?%s',
      async (query) => {
        const orderId = await newOrder();
        await t.http.get(`/orders/${orderId}/messages?${query}`).set(buyer.auth).expect(400);
      },
    );
  });
});

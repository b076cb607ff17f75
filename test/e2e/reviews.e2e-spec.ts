import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { aCast, anItem, aUser, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { raceBehindGate } from '../support/races';
import { startTestApp, type TestApp } from '../support/test-app';

type Review = {
  id: number;
  orderId: number;
  score: number;
  comment: string | null;
  createdAt: string;
};
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] };
type PlanRun = PlanNode & { 'Actual Rows': number };

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const BAD_IDS = ['abc', '0', '1e3', '99999999999', '-1', '1.5'];
const MISSING_ID = 2_147_483_647;
const INSERT_REVIEW =
  'INSERT INTO reviews (order_id, author_id, reviewed_user_id, score) VALUES ($1, $2, $3, 1)';
const messageOf = (res: Response) => [res.body.message as string | string[]].flat().join(' | ');
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
const STEPS: Record<string, string[]> = {
  PENDING: [],
  IN_PROGRESS: ['IN_PROGRESS'],
  COMPLETED: ['IN_PROGRESS', 'COMPLETED'],
  CANCELLED: ['CANCELLED'],
};
/** The distribution `{"1": a, ..., "5": e}`. */
const dist = (...n: number[]) => Object.fromEntries(n.map((count, i) => [String(i + 1), count]));
const NONE = dist(0, 0, 0, 0, 0);
/** The body of GET /reviews/user/{userId}/average. */
const rating = (userId: number, average: number | null, count: number, d: object) => ({
  userId,
  average,
  count,
  distribution: d,
});

describe('reviews', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number;

  beforeAll(async () => {
    t = await startTestApp({ DB_POOL_SIZE: '20' });
    ({ buyer, seller, stranger, admin, itemId } = await aCast(t));
  });
  afterAll(() => t.close());

  /** A fresh order of `item` by the buyer, brought by the item's seller to `status`. */
  const anOrder = async (status = 'COMPLETED', item = itemId, by = seller): Promise<number> => {
    const body = { itemId: item, finalPrice: 50 };
    const { id } = (await t.http.post('/orders').set(buyer.auth).send(body).expect(201)).body;
    for (const step of STEPS[status]) {
      await t.http.patch(`/orders/${id}/status?status=${step}`).set(by.auth).expect(200);
    }
    return id as number;
  };
  const post = (who: TestUser | null, body: object) =>
    (who ? t.http.post('/reviews').set(who.auth) : t.http.post('/reviews')).send(body);
  const review = async (orderId: number, score: number): Promise<Review> =>
    (await post(buyer, { orderId, score }).expect(201)).body;
  const averageOf = async (userId: number) =>
    (await t.http.get(`/reviews/user/${userId}/average`).expect(200)).body;
  const forOrder = (orderId: number | string, who: TestUser) =>
    t.http.get(`/reviews/order/${orderId}`).set(who.auth);
  /** A creator with a listing of their own, so that their reviews start from zero. */
  const aCreator = async () => {
    const creator = await aUser(t, 'creator');
    return { creator, item: (await anItem(t, creator)).id };
  };
  const reviewsOf = async (scores: number[]) => {
    const { creator, item } = await aCreator();
    for (const s of scores) await review(await anOrder('COMPLETED', item, creator), s);
    return creator;
  };
  /** Runs `act` and checks that it wrote no review and left the aggregates as they were. */
  const writesNothing = async <T>(act: () => Promise<T>): Promise<T> => {
    const snapshot = async () => [
      await countRows(t, 'reviews'),
      (await t.sql.query('SELECT * FROM user_ratings ORDER BY user_id')).rows,
    ];
    const before = await snapshot();
    const result = await act();
    expect(await snapshot()).toEqual(before);
    return result;
  };

  describe('POST /reviews', () => {
    it('lets the buyer review a COMPLETED order, with exactly the documented fields', async () => {
      const orderId = await anOrder();
      const res = await post(buyer, { orderId, score: 4, comment: '  Clear and on time.  ' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        orderId,
        authorId: buyer.id,
        authorUsername: buyer.username,
        reviewedUserId: seller.id,
        score: 4,
        comment: 'Clear and on time.',
        createdAt: ISO,
      });
      expect((await forOrder(orderId, seller).expect(200)).body).toEqual(res.body);
    });

    it('accepts order_id as an alias of orderId, and a comment of 2000 characters', async () => {
      const [orderId, comment] = [await anOrder(), 'é'.repeat(2000)];
      const res = await post(buyer, { order_id: orderId, score: 5, comment }).expect(201);
      expect(res.body).toMatchObject({ orderId, score: 5, comment });
      expect((await review(await anOrder(), 3)).comment).toBeNull();
      const blank = await post(buyer, { orderId: await anOrder(), score: 4, comment: '   ' });
      expect(blank.body.comment).toBeNull();
      const both = await post(buyer, { orderId, order_id: orderId, score: 2 });
      expect(both.status).toBe(409); // same value under both keys is fine: the order is reviewed
    });

    const SCORE = /score must be an integer from 1 to 5/;
    const withOrder = (extra: object) => (orderId: number) => ({ orderId, score: 5, ...extra });
    it.each<[string, (orderId: number) => object, RegExp]>([
      ['score 0', withOrder({ score: 0 }), SCORE],
      ['score 6', withOrder({ score: 6 }), SCORE],
      ['score 4.5', withOrder({ score: 4.5 }), SCORE],
      ['score "5"', withOrder({ score: '5' }), SCORE],
      ['no score', (orderId) => ({ orderId }), SCORE],
      ['no orderId', () => ({ score: 5 }), /orderId must be a positive integer/],
      ['orderId "5"', (o) => ({ orderId: String(o), score: 5 }), /orderId/],
      ['order_id 0', () => ({ order_id: 0, score: 5 }), /order_id/],
      ['a comment of 2001 chars', withOrder({ comment: 'x'.repeat(2001) }), /comment/],
      ['a comment that is a number', withOrder({ comment: 5 }), /comment/],
      ['authorId set', withOrder({ authorId: 1 }), /property authorId should not/],
      ['two bad fields, naming both', () => ({ orderId: 0, score: 9 }), /orderId.*score/],
      [
        'orderId and order_id disagreeing',
        (o) => ({ orderId: o, order_id: o + 1, score: 5 }),
        /order_id/,
      ],
    ])('400 for %s, writing nothing', async (_name, body, expected) => {
      const orderId = await anOrder();
      const res = await writesNothing(() => post(buyer, body(orderId)).expect(400));
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(messageOf(res)).toMatch(expected);
      expect((await forOrder(orderId, buyer).expect(200)).text).toBe('null');
    });

    it('403 for the seller, a stranger and an admin: only the buyer reviews', async () => {
      const orderId = await anOrder();
      for (const who of [seller, stranger, admin]) {
        const res = await writesNothing(() => post(who, { orderId, score: 1 }).expect(403));
        expect(res.body.message).toMatch(/buyer/);
      }
    });

    it.each(['PENDING', 'IN_PROGRESS', 'CANCELLED'])('409 while the order is %s', async (s) => {
      const orderId = await anOrder(s);
      const res = await writesNothing(() => post(buyer, { orderId, score: 5 }).expect(409));
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(res.body.message).toContain(s);
    });

    it('409 for a second review of the same order, under either key; the first stays', async () => {
      const orderId = await anOrder();
      const first = await review(orderId, 2);
      for (const body of [{ orderId, score: 5 }, { order_id: orderId }]) {
        const res = await writesNothing(() => post(buyer, { score: 5, ...body }).expect(409));
        expect(res.body.message).toMatch(/already been reviewed/);
      }
      expect((await forOrder(orderId, buyer).expect(200)).body).toEqual(first);
    });

    it('404 for an order that does not exist, 401 without a token', async () => {
      const orderId = await anOrder();
      await writesNothing(async () => {
        await post(buyer, { orderId: MISSING_ID, score: 5 }).expect(404);
        await post(null, { orderId, score: 5 }).expect(401);
      });
    });

    it('10 identical requests at once: one 201, nine 409, one row, counted once', async () => {
      const { creator, item } = await aCreator();
      const orderId = await anOrder('COMPLETED', item, creator);
      // An uncommitted review of the same order holds the ten at its unique index.
      const gate = { sql: INSERT_REVIEW, params: [orderId, buyer.id, creator.id] };
      const send = () => post(buyer, { orderId, score: 5 });
      const codes = (await raceBehindGate(t, gate, 10, send)).map((r) => r.status).sort();
      expect(codes).toEqual([201, ...Array(9).fill(409)]);
      const stored = await t.sql.query('SELECT score FROM reviews WHERE order_id = $1', [orderId]);
      expect(stored.rows).toEqual([{ score: 5 }]);
      expect(await averageOf(creator.id)).toMatchObject({ average: 5, count: 1 });
    });

    it('10 reviews of different orders at once, about a new creator, are all counted', async () => {
      const { creator, item } = await aCreator();
      const orders: number[] = [];
      for (let i = 0; i < 10; i++) orders.push(await anOrder('COMPLETED', item, creator));
      const sent = orders.map((orderId, i) => post(buyer, { orderId, score: (i % 5) + 1 }));
      expect((await Promise.all(sent)).map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(await averageOf(creator.id)).toEqual(rating(creator.id, 3, 10, dist(2, 2, 2, 2, 2)));
    });
  });

  describe('GET /reviews/order/{orderId}', () => {
    it('shows the review, or JSON null before it, to the buyer, the seller and an admin', async () => {
      const orderId = await anOrder();
      for (const who of [buyer, seller, admin]) {
        const res = await forOrder(orderId, who).expect(200).expect('content-type', /json/);
        expect(res.text).toBe('null');
      }
      const made = await review(orderId, 4);
      for (const who of [buyer, seller, admin]) {
        expect((await forOrder(orderId, who).expect(200)).body).toEqual(made);
      }
      await t.http.get(`/reviews/order/${orderId}`).expect(401);
      expect(messageOf(await forOrder(orderId, stranger).expect(403))).toMatch(/buyer/);
      await forOrder(MISSING_ID, buyer).expect(404);
      for (const bad of BAD_IDS) await forOrder(bad, buyer).expect(400);
    });
  });

  describe('GET /reviews/user/{userId} and /average (public)', () => {
    it('lists the reviews about one creator only, newest first, to anyone', async () => {
      const creator = await reviewsOf([5, 3, 4]);
      const other = await reviewsOf([1]);
      const res = await t.http.get(`/reviews/user/${creator.id}`).expect(200);
      expect(res.body.map((r: Review) => r.score)).toEqual([4, 3, 5]);
      // The same documented shape as every other route gives it.
      const newest = (await forOrder(res.body[0].orderId, buyer).expect(200)).body;
      expect(res.body[0]).toEqual({ ...newest, reviewedUserId: creator.id, score: 4 });
      const times = res.body.map((r: Review) => r.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect(ids((await t.http.get(`/reviews/user/${other.id}`).expect(200)).body)).toHaveLength(1);
      expect((await t.http.get(`/reviews/user/${buyer.id}`).expect(200)).body).toEqual([]);
    });

    it('pages newest first through every review once, following Link', async () => {
      const creator = await reviewsOf([1, 2, 3, 4, 5, 4, 3]);
      const all = (await t.http.get(`/reviews/user/${creator.id}?limit=200`).expect(200)).body;
      expect(ids(all)).toEqual([...ids(all)].sort((a, b) => b - a));
      const paged = await collectAll(t, `/reviews/user/${creator.id}?limit=2`);
      expect(paged.pages).toBe(4);
      expect(ids(paged.rows)).toEqual(ids(all));
      expect(new Set(ids(paged.rows)).size).toBe(7);
    });

    it.each([
      [[4, 4, 5], 4.3, dist(0, 0, 0, 2, 1)],
      [[4, 5], 4.5, dist(0, 0, 0, 1, 1)],
      [[4, 4, 4, 5], 4.3, dist(0, 0, 0, 3, 1)],
      [[2, 3, 3, 3], 2.8, dist(0, 1, 3, 0, 0)],
      [[1, 1, 2], 1.3, dist(2, 1, 0, 0, 0)],
    ])('scores %p average %p, rounded to one decimal', async (scores, average, distribution) => {
      const creator = await reviewsOf(scores);
      const res = await t.http.get(`/reviews/user/${creator.id}/average`).expect(200);
      expect(res.body).toEqual(rating(creator.id, average, scores.length, distribution));
    });

    it('null average and zero counts for a user without reviews; 404 unknown, 400 bad', async () => {
      expect(await averageOf(stranger.id)).toEqual(rating(stranger.id, null, 0, NONE));
      await t.http.get(`/reviews/user/${MISSING_ID}/average`).expect(404);
      for (const bad of BAD_IDS) {
        await t.http.get(`/reviews/user/${bad}/average`).expect(400);
        await t.http.get(`/reviews/user/${bad}`).expect(400);
      }
      for (const [q, field] of [
        ['limit=0', /limit/],
        ['cursor=x', /cursor/],
      ] as const) {
        expect(messageOf(await t.http.get(`/reviews/user/1?${q}`).expect(400))).toMatch(field);
      }
    });
  });

  describe('GET /reviews (ADMIN)', () => {
    it('lists every review newest first, page by page, to an admin only', async () => {
      await reviewsOf([5, 4, 3]);
      const total = await countRows(t, 'reviews');
      const paged = await collectAll<Review>(t, '/reviews?limit=3', admin.auth);
      expect(paged.rows).toHaveLength(total);
      expect(ids(paged.rows)).toEqual([...ids(paged.rows)].sort((a, b) => b - a));
      await t.http.get('/reviews').expect(401);
      for (const who of [buyer, seller]) await t.http.get('/reviews').set(who.auth).expect(403);
      await t.http.get('/reviews?limit=0').set(admin.auth).expect(400);
    });
  });

  describe('DELETE /reviews/{id} (ADMIN)', () => {
    const del = (id: number | string, who: TestUser) =>
      t.http.delete(`/reviews/${id}`).set(who.auth);

    it('removes the review; average, count and distribution follow', async () => {
      const { creator, item } = await aCreator();
      const orders = [await anOrder('COMPLETED', item, creator)];
      orders.push(await anOrder('COMPLETED', item, creator));
      const [a, b] = [await review(orders[0], 5), await review(orders[1], 2)];
      expect(await averageOf(creator.id)).toMatchObject({ average: 3.5, count: 2 });
      await del(a.id, admin).expect(204);
      expect(await averageOf(creator.id)).toEqual(rating(creator.id, 2, 1, dist(0, 1, 0, 0, 0)));
      expect((await forOrder(orders[0], buyer).expect(200)).text).toBe('null');
      expect(ids((await t.http.get(`/reviews/user/${creator.id}`)).body)).toEqual([b.id]);
      await del(b.id, admin).expect(204);
      expect(await averageOf(creator.id)).toEqual(rating(creator.id, null, 0, NONE));
      await del(b.id, admin).expect(404);
    });

    it('401 anonymous, 403 for the author, the seller and a stranger, 400 bad id', async () => {
      const made = await review(await anOrder(), 4);
      await writesNothing(async () => {
        await t.http.delete(`/reviews/${made.id}`).expect(401);
        for (const who of [buyer, seller, stranger]) await del(made.id, who).expect(403);
        for (const bad of BAD_IDS) await del(bad, admin).expect(400);
        await del(MISSING_ID, admin).expect(404);
      });
    });
  });

  describe('the average at 100,000 reviews', () => {
    /** `n` COMPLETED orders of one new creator, each reviewed 4 or 5, written in SQL. */
    const seedCreator = async (n: number) => {
      const { creator, item } = await aCreator();
      const { rows } = await t.sql.query(
        `WITH o AS (
           INSERT INTO orders (buyer_id, seller_id, item_id, final_price_cents, status)
           SELECT $1, $2, $3, 1000 + g, 'COMPLETED' FROM generate_series(1, $4::int) AS g
           RETURNING id)
         SELECT min(id) AS lo, max(id) AS hi FROM o`,
        [buyer.id, creator.id, item, n],
      );
      // One set-based statement; the statement-level trigger folds all of it into user_ratings.
      await t.sql.query(
        `INSERT INTO reviews (order_id, author_id, reviewed_user_id, score)
         SELECT id, buyer_id, seller_id, CASE WHEN final_price_cents % 3 = 2 THEN 5 ELSE 4 END
         FROM orders WHERE id BETWEEN $1 AND $2`,
        [rows[0].lo, rows[0].hi],
      );
      await t.sql.query('VACUUM ANALYZE orders, reviews, user_ratings, users');
      return creator;
    };
    const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
    /** Calls the endpoint, then runs EXPLAIN ANALYZE on the very SQL and parameters it sent. */
    const traced = async (userId: number) => {
      const spy = jest.spyOn(t.app.get(DataSource), 'query');
      const body = await averageOf(userId);
      const calls = [...spy.mock.calls];
      spy.mockRestore();
      expect(calls).toHaveLength(1);
      const [sql, params] = calls[0];
      const { rows } = await t.sql.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const all = nodes(rows[0]['QUERY PLAN'][0].Plan) as PlanRun[];
      for (const node of all) {
        expect(node['Relation Name']).not.toBe('reviews');
        expect(node['Node Type']).not.toMatch(/Aggregate/);
        expect(node['Actual Rows']).toBeLessThanOrEqual(1);
      }
      return { body, shape: all.map((x) => `${x['Node Type']} ${x['Relation Name'] ?? ''}`) };
    };

    it('reads one aggregate row, with the same plan as for a creator with 10 reviews', async () => {
      const small = await seedCreator(10);
      const big = await seedCreator(100_000);
      const [before, after] = [await traced(small.id), await traced(big.id)];
      expect(after.shape).toEqual(before.shape);
      expect(before.body).toEqual(rating(small.id, 4.4, 10, dist(0, 0, 0, 6, 4)));
      expect(after.body).toEqual(rating(big.id, 4.3, 100_000, dist(0, 0, 0, 66_666, 33_334)));
      const { rows } = await t.sql.query(
        `SELECT count(*)::int AS count, round(avg(score), 1)::float AS average
         FROM reviews WHERE reviewed_user_id = $1`,
        [big.id],
      );
      expect(rows[0]).toEqual({ count: after.body.count, average: after.body.average });
    }, 120_000);
  });
});

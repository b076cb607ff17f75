import type { Response } from 'supertest';
import { aUser, anAdmin, anItem, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { startTestApp, type TestApp } from '../support/test-app';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const BAD_IDS = ['abc', '0', '1e3', '-1', '1.5', '99999999999'];
const messageOf = (res: Response) => [res.body.message as string | string[]].flat().join(' | ');
const MONEY = /basePrice must be a number above 0 and at most 1000000, with at most two decimals/;
const nextOf = (res: Response) => res.headers.link.match(/^<([^>]+)>/)![1];

// Each row: a name, what the body changes, and what the 400 must say.
const INVALID_BODIES: [string, Record<string, unknown>, RegExp][] = [
  ['an empty title', { title: '' }, /title must not be empty/],
  ['a blank title', { title: '   ' }, /title must not be empty/],
  ['no title', { title: undefined }, /title must be a string/],
  ['a title over 200 chars', { title: 'x'.repeat(201) }, /title must be shorter.* 200 char/],
  // 150 hearts are 300 code points for PostgreSQL's varchar(200).
  ['a title of 150 emoji hearts', { title: '❤️'.repeat(150) }, /title must be shorter/],
  ['a NUL character', { description: 'a\u0000b' }, /NUL/],
  ['basePrice 0', { basePrice: 0 }, MONEY],
  ['a negative basePrice', { basePrice: -5 }, MONEY],
  ['basePrice 1000000.01', { basePrice: 1000000.01 }, MONEY],
  ['basePrice 0.1 + 0.2', { basePrice: 0.1 + 0.2 }, MONEY],
  ['basePrice 1e-7', { basePrice: 1e-7 }, MONEY],
  ['basePrice "150"', { basePrice: '150' }, MONEY],
  ['an unknown itemType', { itemType: 'SCULPTURE' }, /itemType must be one of/],
  ['no itemType', { itemType: undefined }, /itemType must be one of/],
  ['an unknown field', { creatorId: 1 }, /property creatorId should not exist/],
];

describe('items', () => {
  let t: TestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let admin: TestUser;
  const valid = { title: 'Album cover', description: 'Two revisions.', itemType: 'SERVICE' };
  const row = async (id: number) =>
    (await t.sql.query('SELECT * FROM items WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    t = await startTestApp();
    [owner, stranger, admin] = await Promise.all([aUser(t, 'owner'), aUser(t), anAdmin(t)]);
  });
  afterAll(() => t.close());

  describe('POST /items', () => {
    it('creates a listing owned by the caller, with the price exact', async () => {
      const res = await t.http
        .post('/items')
        .set(owner.auth)
        .send({ ...valid, title: '  Album cover ', basePrice: 150.07 })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        creatorId: owner.id,
        title: 'Album cover',
        description: 'Two revisions.',
        basePrice: 150.07,
        itemType: 'SERVICE',
        // The marketplace default process (DIRECT until an admin changes it), no due date,
        // one revision.
        process: 'DIRECT',
        deliveryDays: null,
        revisionsIncluded: 1,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect((await row(res.body.id)).base_price_cents).toBe(15007);
      const read = await t.http.get(`/items/${res.body.id}`).expect(200);
      expect(read.body.basePrice).toBe(150.07);
    });

    it('stores 0.1 as 10 cents, accepts the bounds and leaves optional fields null', async () => {
      const tenCents = await anItem(t, owner, { basePrice: 0.1 });
      expect(tenCents.basePrice).toBe(0.1);
      expect((await row(tenCents.id)).base_price_cents).toBe(10);
      expect((await anItem(t, owner, { basePrice: 0.01 })).basePrice).toBe(0.01);
      expect((await anItem(t, owner, { basePrice: 1000000 })).basePrice).toBe(1000000);
      const bare = await t.http
        .post('/items')
        .set(owner.auth)
        .send({ title: 'x'.repeat(200), itemType: 'DIGITAL' })
        .expect(201);
      expect(bare.body).toMatchObject({ description: null, basePrice: null, itemType: 'DIGITAL' });
    });

    it('401 for an anonymous caller, and writes nothing', async () => {
      const before = await countRows(t, 'items');
      const res = await t.http.post('/items').send(valid).expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(await countRows(t, 'items')).toBe(before);
    });

    it.each(INVALID_BODIES)('400 for %s, and writes nothing', async (_name, change, message) => {
      const before = await countRows(t, 'items');
      const body = { ...valid, basePrice: 10, ...change };
      const res = await t.http.post('/items').set(owner.auth).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(messageOf(res)).toMatch(message);
      expect(await countRows(t, 'items')).toBe(before);
    });

    it('names every failing field at once', async () => {
      const res = await t.http
        .post('/items')
        .set(owner.auth)
        .send({ title: '', basePrice: 0, itemType: 'X' })
        .expect(400);
      expect(messageOf(res)).toMatch(/title.*basePrice.*itemType/);
    });
  });

  describe('GET /items', () => {
    it('is public, newest first, and filters by creatorId', async () => {
      const creator = await aUser(t);
      const a = await anItem(t, creator);
      const b = await anItem(t, creator, { title: 'Second' });
      await anItem(t, stranger);
      const res = await t.http.get(`/items?creatorId=${creator.id}`).expect(200);
      expect(res.body.map((i: { id: number }) => i.id)).toEqual([b.id, a.id]);
      expect(res.body[0]).toMatchObject({ creatorId: creator.id, title: 'Second' });
      expect(res.headers['x-next-cursor']).toBeUndefined();
      expect(res.headers.link).toBeUndefined();
      const none = await t.http.get('/items?creatorId=2147483647').expect(200);
      expect(none.body).toEqual([]);
    });

    it('400 for a malformed creatorId, limit or cursor', async () => {
      for (const bad of [...BAD_IDS, '0x10', '', '1&creatorId=2']) {
        const res = await t.http.get(`/items?creatorId=${bad}`).expect(400);
        expect(messageOf(res)).toMatch(/creatorId must be a positive integer/);
      }
      for (const q of ['limit=0', 'limit=201', 'limit=abc', 'cursor=nonsense', 'cursor=WzBd']) {
        await t.http.get(`/items?${q}`).expect(400);
      }
    });

    it('pages by keyset: no row lost or repeated, no next link on the last page', async () => {
      const creator = await aUser(t);
      const made: number[] = [];
      for (let i = 0; i < 5; i++) made.push((await anItem(t, creator, { title: `n${i}` })).id);
      const first = await t.http.get(`/items?creatorId=${creator.id}&limit=2`).expect(200);
      const cursor = first.headers['x-next-cursor'];
      expect(cursor).toEqual(expect.any(String));
      expect(first.headers.link).toBe(
        `</items?creatorId=${creator.id}&limit=2&cursor=${cursor}>; rel="next"`,
      );
      const second = await t.http.get(nextOf(first)).expect(200);
      const third = await t.http.get(nextOf(second)).expect(200);
      expect(third.body.map((i: { id: number }) => i.id)).toEqual([made[0]]);
      expect(third.headers['x-next-cursor']).toBeUndefined();
      expect(third.headers.link).toBeUndefined();
      const mine = await collectAll(t, `/items?creatorId=${creator.id}&limit=2`);
      expect(mine.pages).toBe(3);
      expect(mine.rows.map((i) => i.id)).toEqual([...made].reverse());

      const { rows } = await collectAll(t, '/items?limit=3');
      const ids = rows.map((i) => i.id);
      const live = await t.sql.query(
        'SELECT id FROM items WHERE deleted_at IS NULL ORDER BY id DESC',
      );
      expect(ids).toEqual(live.rows.map((r: { id: number }) => r.id));
    });

    it('a row added between pages neither shifts nor repeats the next page', async () => {
      const creator = await aUser(t);
      const made: number[] = [];
      for (let i = 0; i < 3; i++) made.push((await anItem(t, creator)).id);
      const first = await t.http.get(`/items?creatorId=${creator.id}&limit=2`).expect(200);
      await anItem(t, creator);
      const second = await t.http.get(nextOf(first)).expect(200);
      expect(second.body.map((i: { id: number }) => i.id)).toEqual([made[0]]);
    });
  });

  describe('GET /items/{id}', () => {
    it('is public', async () => {
      const item = await anItem(t, owner, { basePrice: 99.99 });
      const res = await t.http.get(`/items/${item.id}`).expect(200);
      expect(res.body).toMatchObject({ id: item.id, creatorId: owner.id, basePrice: 99.99 });
    });

    it('404 for a missing listing, 400 for a malformed id', async () => {
      const res = await t.http.get('/items/2147483647').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      for (const bad of BAD_IDS) {
        expect(messageOf(await t.http.get(`/items/${bad}`).expect(400))).toMatch(/positive/);
      }
    });
  });

  describe('PATCH /items/{id}', () => {
    it('lets the creator change some fields and clear the optional ones', async () => {
      const item = await anItem(t, owner, { description: 'old' });
      const res = await t.http
        .patch(`/items/${item.id}`)
        .set(owner.auth)
        .send({ title: ' New title ', basePrice: 175.5 })
        .expect(200);
      expect(res.body).toMatchObject({
        title: 'New title',
        basePrice: 175.5,
        description: 'old',
        itemType: 'SERVICE',
      });
      expect((await row(item.id)).base_price_cents).toBe(17550);
      const cleared = await t.http
        .patch(`/items/${item.id}`)
        .set(owner.auth)
        .send({ description: null, basePrice: null, itemType: 'PRODUCT' })
        .expect(200);
      expect(cleared.body).toMatchObject({
        description: null,
        basePrice: null,
        itemType: 'PRODUCT',
      });
      expect((await t.http.get(`/items/${item.id}`)).body).toEqual(cleared.body);
    });

    it('401 anonymous, 403 stranger (unchanged), 200 admin', async () => {
      const item = await anItem(t, owner);
      await t.http.patch(`/items/${item.id}`).send({ title: 'Anon' }).expect(401);
      const res = await t.http
        .patch(`/items/${item.id}`)
        .set(stranger.auth)
        .send({ title: 'Mine now' })
        .expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      expect((await row(item.id)).title).toBe('Poster design');
      await t.http
        .patch(`/items/${item.id}`)
        .set(admin.auth)
        .send({ title: 'Moderated' })
        .expect(200);
      expect((await row(item.id)).title).toBe('Moderated');
    });

    it('404 for a missing listing, 400 for a malformed id', async () => {
      await t.http.patch('/items/2147483647').set(owner.auth).send({ title: 'x' }).expect(404);
      for (const bad of BAD_IDS) {
        await t.http.patch(`/items/${bad}`).set(owner.auth).send({ title: 'x' }).expect(400);
      }
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['title null', { title: null }, /title must be a string/],
      ['itemType null', { itemType: null }, /itemType must be one of/],
      ...INVALID_BODIES.filter(([, change]) => !Object.values(change).includes(undefined)),
    ])('400 for %s, and the row is unchanged', async (_name, change, message) => {
      const item = await anItem(t, owner);
      const before = await row(item.id);
      const res = await t.http.patch(`/items/${item.id}`).set(owner.auth).send(change).expect(400);
      expect(messageOf(res)).toMatch(message);
      expect(await row(item.id)).toEqual(before);
    });
  });

  describe('DELETE /items/{id}', () => {
    it('401 anonymous, 403 stranger, 404 missing, 400 malformed: nothing is deleted', async () => {
      const item = await anItem(t, owner);
      await t.http.delete(`/items/${item.id}`).expect(401);
      await t.http.delete(`/items/${item.id}`).set(stranger.auth).expect(403);
      await t.http.delete('/items/2147483647').set(owner.auth).expect(404);
      for (const bad of BAD_IDS) await t.http.delete(`/items/${bad}`).set(owner.auth).expect(400);
      expect((await row(item.id)).deleted_at).toBeNull();
      await t.http.get(`/items/${item.id}`).expect(200);
    });

    it('lets an admin withdraw any listing', async () => {
      const item = await anItem(t, owner);
      await t.http.delete(`/items/${item.id}`).set(admin.auth).expect(204);
      await t.http.get(`/items/${item.id}`).expect(404);
    });

    it('soft-deletes: gone from reads and writes, the row kept', async () => {
      const item = await anItem(t, owner);
      const rows = await countRows(t, 'items');
      const res = await t.http.delete(`/items/${item.id}`).set(owner.auth).expect(204);
      expect(res.text).toBe('');
      await t.http.get(`/items/${item.id}`).expect(404);
      const { rows: listed } = await collectAll(t, `/items?creatorId=${owner.id}&limit=200`);
      expect(listed.map((i) => i.id)).not.toContain(item.id);
      await t.http.patch(`/items/${item.id}`).set(owner.auth).send({ title: 'Back' }).expect(404);
      await t.http.delete(`/items/${item.id}`).set(owner.auth).expect(404);
      expect(await countRows(t, 'items')).toBe(rows);
      const kept = await row(item.id);
      expect(kept).toMatchObject({ title: 'Poster design', deleted_at: expect.any(Date) });
    });
  });
});

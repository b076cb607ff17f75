import type { Response } from 'supertest';
import { aUser, anAdmin, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { startTestApp, type TestApp } from '../support/test-app';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const BAD_IDS = ['abc', '0', '1e3', '-1', '1.5', '99999999999'];
const START = '2026-12-31T20:00:00Z';
const END = '2026-12-31T23:30:00Z';
const messageOf = (res: Response) => [res.body.message as string | string[]].flat().join(' | ');
const idsOf = (res: Response) => (res.body as { id: number }[]).map((x) => x.id);
type Body = Record<string, unknown>;

describe('venues and events', () => {
  let t: TestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let admin: TestUser;
  const row = async (table: string, id: number) =>
    (await t.sql.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0];
  const post = (path: string, user: TestUser, body: Body) =>
    t.http.post(path).set(user.auth).send(body);
  const patch = (path: string, user: TestUser | null, body: Body) =>
    (user ? t.http.patch(path).set(user.auth) : t.http.patch(path)).send(body);
  const aVenue = async (manager: TestUser, extra: Body = {}): Promise<{ id: number }> => {
    const body = { name: 'Sala Apolo', address: 'Nou 113', ...extra };
    return (await post('/venues', manager, body).expect(201)).body;
  };
  const eventAt = (venueId: number, extra: Body = {}) => ({
    venueId,
    title: 'Winter showcase',
    startDate: START,
    endDate: END,
    ...extra,
  });
  const anEvent = async (creator: TestUser, venueId?: number, extra: Body = {}) => {
    const body = eventAt(venueId ?? (await aVenue(creator)).id, extra);
    return (await post('/events', creator, body).expect(201)).body as { id: number };
  };

  beforeAll(async () => {
    t = await startTestApp();
    [owner, stranger, admin] = await Promise.all([aUser(t, 'owner'), aUser(t), anAdmin(t)]);
  });
  afterAll(() => t.close());

  // What both resources share: public reads, owner-or-admin writes, soft delete, keyset lists.
  describe.each([
    { path: '/venues', table: 'venues', make: (u: TestUser) => aVenue(u), field: 'name' },
    { path: '/events', table: 'events', make: (u: TestUser) => anEvent(u), field: 'title' },
  ])('$path, shared rules', ({ path, table, make, field }) => {
    it('GET one is public; 404 when missing, 400 for a malformed id', async () => {
      const made = await make(owner);
      const res = await t.http.get(`${path}/${made.id}`).expect(200);
      expect(res.body).toMatchObject({ id: made.id, createdAt: expect.stringMatching(ISO) });
      expect((await t.http.get(`${path}/2147483647`).expect(404)).body.error).toBe('Not Found');
      for (const bad of BAD_IDS) {
        expect(messageOf(await t.http.get(`${path}/${bad}`).expect(400))).toMatch(/positive/);
      }
    });

    it('PATCH: 401 anonymous, 403 stranger, 200 owner and admin, 404, 400 bad id', async () => {
      const { id } = await make(owner);
      await patch(`${path}/${id}`, null, { [field]: 'Anon' }).expect(401);
      await patch(`${path}/${id}`, stranger, { [field]: 'No' }).expect(403);
      const before = await row(table, id);
      expect(before[field]).not.toBe('No');
      const res = await patch(`${path}/${id}`, owner, { [field]: ' Own ' });
      expect(res.status).toBe(200);
      expect(res.body[field]).toBe('Own');
      await patch(`${path}/${id}`, admin, { [field]: 'Mod' }).expect(200);
      expect((await t.http.get(`${path}/${id}`)).body[field]).toBe('Mod');
      await t.http.patch(`${path}/2147483647`).set(owner.auth).send({}).expect(404);
      for (const bad of BAD_IDS) {
        await t.http.patch(`${path}/${bad}`).set(owner.auth).send({}).expect(400);
      }
    });

    it('PATCH refuses null for a required field, and unknown fields', async () => {
      const { id } = await make(owner);
      const before = await row(table, id);
      for (const body of [{ [field]: null }, { [field]: '' }, { ownerId: stranger.id }]) {
        await patch(`${path}/${id}`, owner, body).expect(400);
      }
      expect(await row(table, id)).toEqual(before);
    });

    it('DELETE: 401, 403, 404 and 400 delete nothing; owner and admin may', async () => {
      const { id } = await make(owner);
      await t.http.delete(`${path}/${id}`).expect(401);
      await t.http.delete(`${path}/${id}`).set(stranger.auth).expect(403);
      await t.http.delete(`${path}/2147483647`).set(owner.auth).expect(404);
      for (const bad of BAD_IDS) await t.http.delete(`${path}/${bad}`).set(owner.auth).expect(400);
      expect((await row(table, id)).deleted_at).toBeNull();
      await t.http.delete(`${path}/${id}`).set(admin.auth).expect(204);
      const other = await make(owner);
      await t.http.delete(`${path}/${other.id}`).set(owner.auth).expect(204);
    });

    it('a deleted one is 404 and absent from the list, but its row is kept', async () => {
      const { id } = await make(owner);
      const rows = await countRows(t, table);
      await t.http.delete(`${path}/${id}`).set(owner.auth).expect(204);
      await t.http.get(`${path}/${id}`).expect(404);
      await patch(`${path}/${id}`, owner, { [field]: 'Back' }).expect(404);
      await t.http.delete(`${path}/${id}`).set(owner.auth).expect(404);
      expect((await collectAll(t, `${path}?limit=200`)).rows.map((x) => x.id)).not.toContain(id);
      expect(await countRows(t, table)).toBe(rows);
      expect((await row(table, id)).deleted_at).toEqual(expect.any(Date));
    });

    it('lists page by keyset, newest first, with no row lost or repeated', async () => {
      for (let i = 0; i < 3; i++) await make(owner);
      const first = await t.http.get(`${path}?limit=2`).expect(200);
      expect(first.headers['x-next-cursor']).toEqual(expect.any(String));
      expect(first.headers.link).toMatch(/^<\/\w+\?limit=2&cursor=[\w-]+>; rel="next"$/);
      const { rows, pages } = await collectAll(t, `${path}?limit=2`);
      const live = await t.sql.query(
        `SELECT id FROM ${table} WHERE deleted_at IS NULL ORDER BY id DESC`,
      );
      expect(rows.map((x) => x.id)).toEqual(live.rows.map((r: { id: number }) => r.id));
      expect(pages).toBe(Math.ceil(live.rows.length / 2));
      for (const q of ['limit=0', 'limit=201', 'cursor=nonsense']) {
        await t.http.get(`${path}?${q}`).expect(400);
      }
    });
  });

  describe('venues', () => {
    it('POST creates a venue managed by the caller', async () => {
      const body = { name: ' Sala Apolo ', address: 'Nou 113', city: 'Barcelona', capacity: 900 };
      const res = await post('/venues', owner, body).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        managerId: owner.id,
        name: 'Sala Apolo',
        address: 'Nou 113',
        city: 'Barcelona',
        capacity: 900,
        description: null,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect((await t.http.get(`/venues/${res.body.id}`)).body).toEqual(res.body);
    });

    it('POST is 401 anonymous and writes nothing', async () => {
      const before = await countRows(t, 'venues');
      await t.http.post('/venues').send({ name: 'V', address: 'A' }).expect(401);
      expect(await countRows(t, 'venues')).toBe(before);
    });

    it.each<[string, Body, RegExp]>([
      ['an empty name', { name: '' }, /name must not be empty/],
      ['a blank address', { address: '  ' }, /address must not be empty/],
      ['no address', { address: undefined }, /address must be a string/],
      ['a name over 200 chars', { name: 'x'.repeat(201) }, /name must be shorter/],
      ['a name of 150 emoji hearts', { name: '❤️'.repeat(150) }, /name must be shorter/],
      ['a NUL character', { city: 'a\u0000' }, /NUL/],
      ['capacity 0', { capacity: 0 }, /capacity must not be less than 1/],
      ['capacity 1.5', { capacity: 1.5 }, /capacity must be a whole number/],
      ['capacity "900"', { capacity: '900' }, /capacity must be a whole number/],
      ['capacity 1000001', { capacity: 1_000_001 }, /capacity must not be greater/],
      ['an unknown field', { managerId: 1 }, /property managerId should not exist/],
    ])('POST 400 for %s, and writes nothing', async (_name, change, message) => {
      const before = await countRows(t, 'venues');
      const res = await post('/venues', owner, { name: 'V', address: 'A', ...change }).expect(400);
      expect(messageOf(res)).toMatch(message);
      expect(await countRows(t, 'venues')).toBe(before);
    });

    it('PATCH clears the optional fields with null', async () => {
      const { id } = await aVenue(owner, { city: 'Girona', capacity: 50, description: 'Cosy' });
      const clear = { city: null, capacity: null, description: null, address: 'New 1' };
      const res = await patch(`/venues/${id}`, owner, clear).expect(200);
      expect(res.body).toMatchObject({ city: null, capacity: null, description: null });
      expect(res.body).toMatchObject({ name: 'Sala Apolo', address: 'New 1' });
    });

    it('GET filters by managerId, newest first; 400 for a bad managerId', async () => {
      const manager = await aUser(t);
      const made = [await aVenue(manager), await aVenue(manager), await aVenue(manager)];
      await aVenue(stranger);
      const { rows, pages } = await collectAll(t, `/venues?managerId=${manager.id}&limit=2`);
      expect(rows.map((v) => v.id)).toEqual(made.map((v) => v.id).reverse());
      expect(pages).toBe(2);
      for (const bad of [...BAD_IDS, '']) {
        const res = await t.http.get(`/venues?managerId=${bad}`).expect(400);
        expect(messageOf(res)).toMatch(/managerId must be a positive integer/);
      }
    });

    it('DELETE is 409 while the venue has an event, 204 once the event is gone', async () => {
      const venue = await aVenue(owner);
      const event = await anEvent(stranger, venue.id);
      const res = await t.http.delete(`/venues/${venue.id}`).set(owner.auth).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(messageOf(res)).toMatch(/still has events/);
      expect((await row('venues', venue.id)).deleted_at).toBeNull();
      await t.http.delete(`/events/${event.id}`).set(stranger.auth).expect(204);
      await t.http.delete(`/venues/${venue.id}`).set(owner.auth).expect(204);
      const before = await countRows(t, 'events');
      await post('/events', owner, eventAt(venue.id)).expect(404);
      expect(await countRows(t, 'events')).toBe(before);
    });
  });

  describe('events', () => {
    it('POST creates an event by the caller, times in UTC', async () => {
      const venue = await aVenue(stranger);
      const res = await post('/events', owner, {
        venueId: venue.id,
        title: ' Gala ',
        description: 'Black tie',
        startDate: '2026-12-31T21:00:00+01:00',
        endDate: '2027-01-01T01:30:00.250+0100',
      }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        venueId: venue.id,
        creatorId: owner.id,
        title: 'Gala',
        description: 'Black tie',
        startDate: START.replace('Z', '.000Z'),
        endDate: '2027-01-01T00:30:00.250Z',
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect((await t.http.get(`/events/${res.body.id}`)).body).toEqual(res.body);
      await anEvent(owner, venue.id, { endDate: START });
    });

    it('POST is 401 anonymous and 404 for an unknown venue, writing nothing', async () => {
      const before = await countRows(t, 'events');
      const body = eventAt(2147483647);
      await t.http.post('/events').send(body).expect(401);
      const res = await post('/events', owner, body).expect(404);
      expect(messageOf(res)).toMatch(/Venue 2147483647 does not exist/);
      expect(await countRows(t, 'events')).toBe(before);
    });

    it.each<[string, Body, RegExp]>([
      ['a blank title', { title: ' ' }, /title must not be empty/],
      ['a title over 200 chars', { title: 'x'.repeat(201) }, /title must be shorter/],
      ['venueId "1"', { venueId: '1' }, /venueId must be a positive integer/],
      ['venueId 0', { venueId: 0 }, /venueId must be a positive integer/],
      ['no venueId', { venueId: undefined }, /venueId must be a positive integer/],
      ['endDate before startDate', { endDate: '2026-12-31T19:59:59Z' }, /endDate must not be/],
      ['a date without a zone', { startDate: '2026-12-31T20:00:00' }, /startDate .* time zone/],
      ['a date without a time', { endDate: '2027-01-01' }, /endDate .* time zone/],
      ['an impossible date', { startDate: '2026-02-30T20:00:00Z' }, /startDate must be/],
      ['a week date', { startDate: '2026-W53-4T20:00:00Z' }, /startDate must be/],
      ['a basic-format date', { startDate: '20261231T200000Z' }, /startDate must be/],
      ['a date as a number', { startDate: Date.parse(START) }, /startDate must be/],
      ['an unknown field', { creatorId: 1 }, /property creatorId should not exist/],
    ])('POST 400 for %s, and writes nothing', async (_name, change, message) => {
      const venue = await aVenue(owner);
      const before = await countRows(t, 'events');
      const res = await post('/events', owner, eventAt(venue.id, change)).expect(400);
      expect(messageOf(res)).toMatch(message);
      expect(await countRows(t, 'events')).toBe(before);
    });

    it('PATCH moves the dates, but never the end before the start', async () => {
      const { id } = await anEvent(owner);
      const moved = { startDate: '2027-01-01T10:00:00Z', endDate: '2027-01-01T12:00:00Z' };
      const res = await patch(`/events/${id}`, owner, moved).expect(200);
      expect(res.body).toMatchObject({
        startDate: '2027-01-01T10:00:00.000Z',
        title: 'Winter showcase',
      });
      const before = await row('events', id);
      for (const body of [
        { startDate: '2027-01-01T12:00:01Z' },
        { endDate: '2027-01-01T09:59:59Z' },
        { startDate: null },
        { endDate: '2027-01-01T12:00:00' },
        { venueId: 1 },
      ]) {
        await patch(`/events/${id}`, owner, body).expect(400);
      }
      expect(await row('events', id)).toEqual(before);
    });

    it('GET filters by venueId, newest first; 400 for a bad venueId', async () => {
      const venue = await aVenue(owner);
      const made = [await anEvent(owner, venue.id), await anEvent(stranger, venue.id)];
      await anEvent(owner);
      const res = await t.http.get(`/events?venueId=${venue.id}`).expect(200);
      expect(idsOf(res)).toEqual([made[1].id, made[0].id]);
      expect(res.headers.link).toBeUndefined();
      expect(res.headers['x-next-cursor']).toBeUndefined();
      const paged = await collectAll(t, `/events?venueId=${venue.id}&limit=1`);
      expect(paged).toEqual({ rows: res.body, pages: 2 });
      for (const bad of [...BAD_IDS, '0x1']) {
        const bodyOf = await t.http.get(`/events?venueId=${bad}`).expect(400);
        expect(messageOf(bodyOf)).toMatch(/venueId must be a positive integer/);
      }
    });
  });
});

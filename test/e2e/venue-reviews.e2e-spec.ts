import type { Response } from 'supertest';
import { aUser, anAdmin, countRows, type TestUser } from '../support/factories';
import { collectAll } from '../support/pages';
import { raceBehindGate } from '../support/races';
import { startTestApp, type TestApp } from '../support/test-app';

type TargetType = 'VENUE' | 'EVENT';
type VenueReview = {
  id: number;
  score: number;
  comment: string | null;
  targetId: number;
  targetType: TargetType;
};

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const BAD_IDS = ['abc', '0', '1e3', '99999999999', '-1', '1.5'];
const MISSING_ID = 2_147_483_647;
const HOUR = 3_600_000;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();
const INSERT_REVIEW = `INSERT INTO venue_event_reviews (author_id, target_type, target_id, score)
  VALUES ($1, $2, $3, 1)`;
const messageOf = (res: Response) => [res.body.message as string | string[]].flat().join(' | ');
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe('venue and event reviews', () => {
  let t: TestApp;
  let author: TestUser, manager: TestUser, stranger: TestUser, admin: TestUser;
  /** A venue and an event that has started, sharing the same numeric id. */
  let venueId: number, eventId: number;

  beforeAll(async () => {
    t = await startTestApp({ DB_POOL_SIZE: '20' });
    [author, manager, stranger, admin] = await Promise.all([
      aUser(t, 'author'),
      aUser(t, 'manager'),
      aUser(t),
      anAdmin(t),
    ]);
    venueId = await aVenue();
    eventId = await anEvent(at(-48 * HOUR), at(-45 * HOUR), venueId);
    // A fresh database numbers both tables from 1: a target is its type and its id together.
    expect(eventId).toBe(venueId);
  });
  afterAll(() => t.close());

  const aVenue = async (): Promise<number> => {
    const body = { name: 'Sala Apolo', address: 'Nou de la Rambla 113' };
    return (await t.http.post('/venues').set(manager.auth).send(body).expect(201)).body.id;
  };
  /** An event between `startDate` and `endDate`, at a venue of its own unless one is given. */
  const anEvent = async (startDate: string, endDate: string, venue?: number): Promise<number> => {
    const body = { venueId: venue ?? (await aVenue()), title: 'Showcase', startDate, endDate };
    return (await t.http.post('/events').set(manager.auth).send(body).expect(201)).body.id;
  };
  const aTarget = async (type: TargetType) =>
    type === 'VENUE' ? aVenue() : anEvent(at(-2 * HOUR), at(-HOUR));
  const post = (who: TestUser | null, body: object) =>
    (who
      ? t.http.post('/venue-event-reviews').set(who.auth)
      : t.http.post('/venue-event-reviews')
    ).send(body);
  const review = async (who: TestUser, targetType: TargetType, targetId: number, score = 4) =>
    (await post(who, { targetId, targetType, score }).expect(201)).body as VenueReview;
  const query = (type: TargetType, id: number) => `targetId=${id}&targetType=${type}`;
  const listOf = async (type: TargetType, id: number): Promise<VenueReview[]> =>
    (await t.http.get(`/venue-event-reviews?${query(type, id)}`).expect(200)).body;
  const averageOf = async (type: TargetType, id: number) =>
    (await t.http.get(`/venue-event-reviews/average?${query(type, id)}`).expect(200)).body;
  /** Reviews of one new target by new users, one per score. */
  const reviewed = async (type: TargetType, scores: number[]) => {
    const id = await aTarget(type);
    for (const score of scores) await review(await aUser(t), type, id, score);
    return id;
  };
  /** Runs `act` and checks that it wrote no review and left the aggregates as they were. */
  const writesNothing = async <T>(act: () => Promise<T>): Promise<T> => {
    const snapshot = async () => [
      await countRows(t, 'venue_event_reviews'),
      (await t.sql.query('SELECT * FROM venue_event_ratings ORDER BY 1, 2')).rows,
    ];
    const before = await snapshot();
    const result = await act();
    expect(await snapshot()).toEqual(before);
    return result;
  };

  describe('POST /venue-event-reviews', () => {
    it('reviews a venue, with exactly the documented fields', async () => {
      const id = await aVenue();
      const res = await post(author, {
        targetId: id,
        targetType: 'VENUE',
        score: 5,
        comment: '  Great sound, friendly staff.  ',
      }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        authorId: author.id,
        authorUsername: author.username,
        targetId: id,
        targetType: 'VENUE',
        score: 5,
        comment: 'Great sound, friendly staff.',
        createdAt: ISO,
      });
      expect(await listOf('VENUE', id)).toEqual([res.body]);
    });

    it('reviews an event once it has started: under way, or over', async () => {
      const running = await anEvent(at(-HOUR), at(24 * HOUR));
      const comment = 'ñ'.repeat(2000);
      const res = await post(author, { targetId: running, targetType: 'EVENT', score: 3, comment });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ targetId: running, targetType: 'EVENT', comment });
      expect((await review(author, 'EVENT', eventId)).comment).toBeNull();
    });

    it('409 for an event that has not started yet, writing nothing', async () => {
      const later = await anEvent(at(HOUR), at(3 * HOUR));
      const res = await writesNothing(() =>
        post(author, { targetId: later, targetType: 'EVENT', score: 5 }).expect(409),
      );
      expect(res.body.message).toMatch(/not started/);
    });

    it('404 for a venue or event that does not exist or was deleted', async () => {
      const [venue, event] = [await aVenue(), await anEvent(at(-2 * HOUR), at(-HOUR))];
      await t.http.delete(`/events/${event}`).set(manager.auth).expect(204);
      await t.http.delete(`/venues/${venue}`).set(manager.auth).expect(204);
      const targets: [TargetType, number][] = [
        ['VENUE', MISSING_ID],
        ['EVENT', MISSING_ID],
        ['VENUE', venue],
        ['EVENT', event],
      ];
      for (const [targetType, targetId] of targets) {
        const res = await writesNothing(() =>
          post(author, { targetId, targetType, score: 4 }).expect(404),
        );
        expect(res.body.message).toMatch(/does not exist/);
      }
    });

    it('409 for a second review of the same target by the same person', async () => {
      const first = await review(author, 'VENUE', venueId, 2);
      const res = await writesNothing(() =>
        post(author, { targetId: venueId, targetType: 'VENUE', score: 5 }).expect(409),
      );
      expect(res.body).toMatchObject({ statusCode: 409, message: /already reviewed this venue/ });
      expect((await listOf('VENUE', venueId)).find((r) => r.id === first.id)).toEqual(first);
      // Someone else may review it, and the event with the same id is another target.
      await review(stranger, 'VENUE', venueId);
      await review(stranger, 'EVENT', eventId);
    });

    const SCORE = /score must be an integer from 1 to 5/;
    const TYPE = /targetType must be VENUE or EVENT/;
    const ok = { targetType: 'VENUE', score: 4 };
    it.each<[string, object, RegExp]>([
      ['an unknown targetType', { ...ok, targetType: 'ARTIST' }, TYPE],
      ['a lower-case targetType', { ...ok, targetType: 'venue' }, TYPE],
      ['no targetType', { score: 4 }, TYPE],
      ['no targetId', { ...ok, targetId: undefined }, /targetId must be a positive integer/],
      ['targetId "1"', { ...ok, targetId: '1' }, /targetId/],
      ['targetId 0', { ...ok, targetId: 0 }, /targetId/],
      ['score 0', { ...ok, score: 0 }, SCORE],
      ['score 6', { ...ok, score: 6 }, SCORE],
      ['score 4.5', { ...ok, score: 4.5 }, SCORE],
      ['score "5"', { ...ok, score: '5' }, SCORE],
      ['no score', { targetType: 'VENUE' }, SCORE],
      ['a comment of 2001 chars', { ...ok, comment: 'x'.repeat(2001) }, /comment/],
      ['authorId set', { ...ok, authorId: 1 }, /property authorId should not/],
    ])('400 for %s, writing nothing', async (_name, body, expected) => {
      const id = await aVenue();
      const res = await writesNothing(() => post(author, { targetId: id, ...body }).expect(400));
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(messageOf(res)).toMatch(expected);
    });

    it('401 without a token', async () => {
      await writesNothing(() => post(null, { targetId: venueId, ...ok }).expect(401));
    });

    it.each<TargetType>(['VENUE', 'EVENT'])(
      '10 identical reviews of a(n) %s at once: one 201, nine 409, one row',
      async (type) => {
        const id = await aTarget(type);
        // An uncommitted review by the same person holds the ten at the unique index.
        const gate = { sql: INSERT_REVIEW, params: [author.id, type, id] };
        const send = () => post(author, { targetId: id, targetType: type, score: 5 });
        const codes = (await raceBehindGate(t, gate, 10, send)).map((r) => r.status).sort();
        expect(codes).toEqual([201, ...Array(9).fill(409)]);
        expect(await listOf(type, id)).toEqual([expect.objectContaining({ score: 5 })]);
        expect(await averageOf(type, id)).toMatchObject({ average: 5, count: 1 });
      },
    );
  });

  describe('GET /venue-event-reviews and /average (public)', () => {
    it("lists one target's reviews only, newest first, page by page", async () => {
      const id = await reviewed('VENUE', [1, 2, 3, 4, 5]);
      await reviewed('VENUE', [5]);
      const all = await listOf('VENUE', id);
      expect(all.map((r) => r.score)).toEqual([5, 4, 3, 2, 1]);
      expect(all.every((r) => r.targetId === id && r.targetType === 'VENUE')).toBe(true);
      const paged = await collectAll<VenueReview>(
        t,
        `/venue-event-reviews?${query('VENUE', id)}&limit=2`,
      );
      expect(paged.pages).toBe(3);
      expect(ids(paged.rows)).toEqual(ids(all));
    });

    it.each<[TargetType, number[], number]>([
      ['VENUE', [4, 4, 5], 4.3],
      ['EVENT', [4, 5], 4.5],
      ['VENUE', [2, 3, 3, 3], 2.8],
      ['EVENT', [1, 1, 2], 1.3],
    ])('%s scored %p averages %p, to one decimal', async (type, scores, average) => {
      const id = await reviewed(type, scores);
      const body = { targetId: id, targetType: type, average, count: scores.length };
      expect(await averageOf(type, id)).toEqual(body);
    });

    it('null average and count 0 for a target without reviews', async () => {
      const id = await aVenue();
      expect(await averageOf('VENUE', id)).toEqual({
        targetId: id,
        targetType: 'VENUE',
        average: null,
        count: 0,
      });
      expect(await listOf('VENUE', id)).toEqual([]);
    });

    it.each([
      ['no targetType', 'targetId=1', /targetType/],
      ['no targetId', 'targetType=VENUE', /targetId/],
      ['nothing', '', /targetId.*targetType/],
      ['an unknown targetType', 'targetId=1&targetType=ARTIST', /targetType must be VENUE/],
      ...BAD_IDS.map((bad) => [`targetId=${bad}`, `targetId=${bad}&targetType=VENUE`, /targetId/]),
      ['limit=0', 'targetId=1&targetType=VENUE&limit=0', /limit/],
      ['a bad cursor', 'targetId=1&targetType=VENUE&cursor=garbage', /cursor/],
    ] as [string, string, RegExp][])('400 for %s, on both routes', async (_name, q, expected) => {
      for (const path of ['/venue-event-reviews', '/venue-event-reviews/average']) {
        expect(messageOf(await t.http.get(`${path}?${q}`).expect(400))).toMatch(expected);
      }
    });
  });

  describe('DELETE /venue-event-reviews/{id}', () => {
    const del = (id: number | string, who: TestUser | null) =>
      who
        ? t.http.delete(`/venue-event-reviews/${id}`).set(who.auth)
        : t.http.delete(`/venue-event-reviews/${id}`);

    it('lets the author or an admin delete; average and count follow', async () => {
      const id = await aVenue();
      const [mine, theirs] = [
        await review(author, 'VENUE', id, 5),
        await review(stranger, 'VENUE', id, 2),
      ];
      expect(await averageOf('VENUE', id)).toMatchObject({ average: 3.5, count: 2 });
      await del(mine.id, author).expect(204);
      expect(await averageOf('VENUE', id)).toMatchObject({ average: 2, count: 1 });
      expect(ids(await listOf('VENUE', id))).toEqual([theirs.id]);
      await del(theirs.id, admin).expect(204);
      expect(await averageOf('VENUE', id)).toMatchObject({ average: null, count: 0 });
      await del(theirs.id, admin).expect(404);
    });

    it('401 anonymous, 403 for anyone else, even the venue manager; 404; 400', async () => {
      const made = await review(author, 'VENUE', await aVenue(), 4);
      await writesNothing(async () => {
        await del(made.id, null).expect(401);
        for (const who of [stranger, manager]) {
          expect(messageOf(await del(made.id, who).expect(403))).toMatch(/author/);
        }
        await del(MISSING_ID, author).expect(404);
        for (const bad of BAD_IDS) await del(bad, author).expect(400);
      });
    });
  });
});

import type { Response } from 'supertest';
import { aUser, anAdmin, anItem, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const DEFAULTS = {
  defaultProcess: 'DIRECT',
  autoCompleteAfter: 'P3D',
  cancellationWindow: 'PT48H',
  clearancePeriod: 'P7D',
};
const DURATIONS = ['autoCompleteAfter', 'cancellationWindow', 'clearancePeriod'] as const;
const messageOf = (res: Response) => [res.body.message as string | string[]].flat().join(' | ');
type Body = Record<string, unknown>;

describe('marketplace settings', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    [buyer, seller, stranger, admin] = await Promise.all([
      aUser(t, 'buyer'),
      aUser(t, 'seller'),
      aUser(t),
      anAdmin(t),
    ]);
  });
  afterAll(() => t.close());

  const read = async (who: TestUser = buyer) =>
    (await t.http.get('/marketplace/settings').set(who.auth).expect(200)).body;
  const put = (body: unknown, who: TestUser | null = admin) => {
    const req = t.http.put('/marketplace/settings');
    return (who ? req.set(who.auth) : req).send(body as object);
  };
  /** The stored row, every column as text, to prove that a refused request wrote nothing. */
  const stored = async () =>
    (await t.sql.query('SELECT m::text AS row FROM marketplace_settings m')).rows;
  const refusedWritingNothing = async (send: () => Promise<Response>, status: number) => {
    const before = await stored();
    expect(before).toHaveLength(1);
    const res = await send();
    expect(res.status).toBe(status);
    expect(await stored()).toEqual(before);
    return res;
  };

  it('starts at the defaults on a fresh database: DIRECT, P3D, PT48H, P7D', async () => {
    expect(await read()).toEqual({ ...DEFAULTS, updatedAt: ISO });
    const { rows } = await t.sql.query(
      `SELECT id, default_process, updated_by_user_id,
              auto_complete_after = interval '3 days' AS a,
              cancellation_window = interval '48 hours' AS c,
              clearance_period = interval '7 days' AS p
         FROM marketplace_settings`,
    );
    expect(rows).toEqual([
      { id: 1, default_process: 'DIRECT', updated_by_user_id: null, a: true, c: true, p: true },
    ]);
  });

  it('GET is open to every signed-in user, the same for all', async () => {
    const seen = await Promise.all([buyer, seller, stranger, admin].map((who) => read(who)));
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(1);
  });

  it('an admin PUT replaces them all; a buyer then reads the change', async () => {
    const before = await read();
    const next = {
      defaultProcess: 'PROTECTED',
      autoCompleteAfter: 'PT36H',
      cancellationWindow: 'P1DT12H',
      clearancePeriod: 'P14D',
    };
    const res = await put(next).expect(200);
    expect(res.body).toEqual({ ...next, updatedAt: ISO });
    expect(res.body.updatedAt >= before.updatedAt).toBe(true);
    expect(await read(buyer)).toEqual(res.body);
    expect(await read(seller)).toEqual(res.body);

    // Stored as intervals of the same parts, which SQL can add to a time.
    const { rows } = await t.sql.query(
      `SELECT default_process, updated_by_user_id,
              auto_complete_after = interval '36 hours' AS a,
              extract(day FROM auto_complete_after)::int AS a_days,
              cancellation_window = interval '1 day 12 hours' AS c,
              clearance_period = interval '14 days' AS p,
              now() + clearance_period > now() + interval '13 days' AS adds
         FROM marketplace_settings`,
    );
    expect(rows).toEqual([
      {
        default_process: 'PROTECTED',
        updated_by_user_id: admin.id,
        a: true,
        a_days: 0,
        c: true,
        p: true,
        adds: true,
      },
    ]);
    await put(DEFAULTS).expect(200);
    expect(await read()).toEqual({ ...DEFAULTS, updatedAt: ISO });
  });

  it('answers durations as stored: weeks as days, minutes within the time, hours never as days', async () => {
    const res = await put({
      defaultProcess: 'DIRECT',
      autoCompleteAfter: 'P1W',
      cancellationWindow: 'PT90M',
      clearancePeriod: 'PT72H',
    }).expect(200);
    expect(res.body).toMatchObject({
      autoCompleteAfter: 'P7D',
      cancellationWindow: 'PT1H30M',
      clearancePeriod: 'PT72H',
    });
    const bounds = { ...DEFAULTS, autoCompleteAfter: 'PT1S', clearancePeriod: 'P365D' };
    expect((await put(bounds).expect(200)).body).toEqual({ ...bounds, updatedAt: ISO });
    await put(DEFAULTS).expect(200);
  });

  it('a buyer, a seller or a stranger PUT is 403 ROLE_REQUIRED and writes nothing', async () => {
    const change = { ...DEFAULTS, defaultProcess: 'PROTECTED' };
    for (const who of [buyer, seller, stranger]) {
      const res = await refusedWritingNothing(() => put(change, who), 403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'ROLE_REQUIRED' });
      expect(messageOf(res)).toMatch(/ADMIN/);
    }
    // A seller with listings is no more an admin than anyone else.
    await anItem(t, seller);
    await refusedWritingNothing(() => put(change, seller), 403);
    expect((await read()).defaultProcess).toBe('DIRECT');
  });

  it('anonymous: 401 for GET and PUT, writing nothing', async () => {
    const get = await t.http.get('/marketplace/settings').expect(401);
    expect(get.body).toMatchObject({ statusCode: 401, code: 'TOKEN_MISSING' });
    const res = await refusedWritingNothing(() => put(DEFAULTS, null), 401);
    expect(res.body.code).toBe('TOKEN_MISSING');
  });

  describe('invalid durations: 400 MARKETPLACE_DURATION_INVALID, nothing written', () => {
    const CASES: [string, string, RegExp][] = [
      ['P1M', 'months', /years or months, whose length varies.*e\.g\. P30D/],
      ['P1Y', 'years', /years or months, whose length varies.*e\.g\. P30D/],
      ['PT0S', 'zero', /at least PT1S/],
      ['abc', 'not a duration', /must be an ISO 8601 duration such as P3D/],
      ['3 days', 'words', /must be an ISO 8601 duration such as P3D/],
      ['PT1.5S', 'a fraction', /whole units/],
      ['', 'empty', /not empty/],
      ['P366D', 'over a year', /at most P365D/],
    ];

    describe.each(DURATIONS)('%s', (field) => {
      it.each(CASES)('%j (%s)', async (value, _why, reason) => {
        const res = await refusedWritingNothing(() => put({ ...DEFAULTS, [field]: value }), 400);
        expect(res.body).toMatchObject({
          statusCode: 400,
          error: 'Bad Request',
          code: 'MARKETPLACE_DURATION_INVALID',
        });
        expect(res.body.message).toEqual(expect.stringMatching(new RegExp(`^${field} `)));
        expect(res.body.message).toMatch(reason);
      });
    });

    it('names every refused duration in one answer', async () => {
      const body = { ...DEFAULTS, autoCompleteAfter: 'P1M', clearancePeriod: 'PT0S' };
      const res = await refusedWritingNothing(() => put(body), 400);
      expect(res.body.code).toBe('MARKETPLACE_DURATION_INVALID');
      expect(res.body.message).toMatch(/^autoCompleteAfter .*\. clearancePeriod .*PT1S/);
      expect(res.body.message).not.toMatch(/cancellationWindow/);
    });
  });

  describe('other invalid bodies: 400 VALIDATION_FAILED (or BODY_REQUIRED), nothing written', () => {
    it.each(['defaultProcess', ...DURATIONS])('a missing %s, since PUT replaces all', async (f) => {
      const body: Body = { ...DEFAULTS };
      delete body[f];
      const res = await refusedWritingNothing(() => put(body), 400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(messageOf(res)).toMatch(new RegExp(f));
    });

    it.each(['FAST', 'direct', '', null, 1])('an unknown process %j', async (defaultProcess) => {
      const res = await refusedWritingNothing(() => put({ ...DEFAULTS, defaultProcess }), 400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(messageOf(res)).toMatch(/defaultProcess must be one of DIRECT, PROTECTED/);
    });

    it.each([3, null, ['P3D'], { days: 3 }])('a duration that is not text: %j', async (value) => {
      const res = await refusedWritingNothing(
        () => put({ ...DEFAULTS, cancellationWindow: value }),
        400,
      );
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(messageOf(res)).toMatch(/cancellationWindow must be a string/);
    });

    it('an unknown field', async () => {
      const res = await refusedWritingNothing(() => put({ ...DEFAULTS, currency: 'EUR' }), 400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(messageOf(res)).toMatch(/property currency should not exist/);
    });

    it('no body at all, naming the four fields', async () => {
      const res = await refusedWritingNothing(
        () => t.http.put('/marketplace/settings').set(admin.auth),
        400,
      );
      expect(res.body.code).toBe('BODY_REQUIRED');
      expect(messageOf(res)).toMatch(
        /defaultProcess, autoCompleteAfter, cancellationWindow and clearancePeriod/,
      );
    });
  });

  it('the database holds the same floor and the single row, whoever writes', async () => {
    for (const column of ['auto_complete_after', 'cancellation_window', 'clearance_period']) {
      await expect(
        t.sql.query(`UPDATE marketplace_settings SET ${column} = interval '0 seconds'`),
      ).rejects.toThrow(/marketplace_settings_\w+_min/);
    }
    await expect(
      t.sql.query(`UPDATE marketplace_settings SET default_process = 'FAST'`),
    ).rejects.toThrow(/marketplace_settings_default_process_known/);
    await expect(t.sql.query(`INSERT INTO marketplace_settings (id) VALUES (2)`)).rejects.toThrow(
      /marketplace_settings_single_row/,
    );
    expect(await read()).toEqual({ ...DEFAULTS, updatedAt: ISO });
  });
});

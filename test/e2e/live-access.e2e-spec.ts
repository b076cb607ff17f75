import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { aCast, type TestUser } from '../support/factories';
import { closeAllStreams, openStream, type SseEvent, type SseStream } from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';

type Body = { id: number } & Record<string, unknown>;

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const MISSING_ID = 2_147_483_647;
const BAD_IDS = ['abc', '0', '-1', '1.5', '99999999999'];
// Event ids are bigserial and 0 means "from the start", so only these are malformed for it.
const BAD_EVENT_IDS = ['abc', '-1', '1.5', '1e3', '9999999999999999'];
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An HS256 JWT signed with the app's secret, so its claims are exactly what the test says. */
function signed(payload: object): string {
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', process.env.JWT_SECRET!).update(head).digest('base64url')}`;
}
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
const got = (events: SseEvent[]) => events.map((e) => [e.event, JSON.parse(e.data)]);

/** Who may open which stream, stream tokens, and the unread counts that go with the threads. */
describe('live events: access, stream tokens, unread counts', () => {
  let t: TestApp;
  let base: string;
  let buyer: TestUser, seller: TestUser, stranger: TestUser, admin: TestUser;
  let itemId: number, orderId: number, otherOrderId: number, disputeId: number;
  let streams: string[];

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    ({ buyer, seller, stranger, admin, itemId } = await aCast(t));
    [orderId, otherOrderId] = [(await newOrder()).id, (await newOrder()).id];
    disputeId = (
      await t.http.post('/disputes').set(buyer.auth).send({ orderId, reason: 'Late' }).expect(201)
    ).body.id;
    streams = [`/orders/${orderId}/events`, `/disputes/${disputeId}/events`, '/users/me/events'];
  });
  afterEach(() => closeAllStreams());
  afterAll(() => t.close());

  const newOrder = async (): Promise<Body> =>
    (await t.http.post('/orders').set(buyer.auth).send({ itemId, finalPrice: 80 }).expect(201))
      .body;
  const say = async (id: number, who: TestUser, content = 'Files attached'): Promise<Body> =>
    (await t.http.post(`/orders/${id}/messages`).set(who.auth).send({ content }).expect(201)).body;
  const argue = async (who: TestUser): Promise<Body> =>
    (
      await t.http
        .post(`/disputes/${disputeId}/messages`)
        .set(who.auth)
        .send({ message: 'See the brief' })
        .expect(201)
    ).body;
  const listen = async (path: string, headers: Record<string, string> = {}): Promise<SseStream> => {
    const s = await openStream(base + path, headers);
    expect({ path, status: s.status, body: s.body }).toEqual({ path, status: 200, body: '' });
    return s;
  };
  /** Opens a stream and returns its status, with the error body when it was refused. */
  const attempt = async (path: string, headers: Record<string, string> = {}) => {
    const s = await openStream(base + path, headers);
    s.close();
    return { path, status: s.status, body: s.status === 200 ? null : JSON.parse(s.body) };
  };
  const refusal = (path: string, status: number) => ({
    path,
    status,
    body: expect.objectContaining({ statusCode: status, message: expect.any(String) }),
  });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const issue = (who: TestUser | null, body: object) => {
    const req = t.http.post('/users/me/stream-tokens');
    return who ? req.set(who.auth).send(body) : req.send(body);
  };

  describe('who may open a stream', () => {
    it('401 for anonymous callers and broken tokens on every stream', async () => {
      for (const path of streams) {
        expect(await attempt(path)).toEqual(refusal(path, 401));
        expect(await attempt(path, bearer('not.a.jwt'))).toEqual(refusal(path, 401));
        expect(await attempt(`${path}?token=garbage`)).toEqual(
          refusal(`${path}?token=garbage`, 401),
        );
      }
    });

    it("403 for a stranger on an order's and a dispute's stream", async () => {
      for (const path of streams.slice(0, 2)) {
        expect(await attempt(path, stranger.auth)).toEqual(refusal(path, 403));
      }
    });

    it('400 for a malformed id or Last-Event-ID; 404 for a missing order or dispute', async () => {
      for (const bad of BAD_IDS) {
        for (const path of [`/orders/${bad}/events`, `/disputes/${bad}/events`]) {
          expect(await attempt(path, admin.auth)).toEqual(refusal(path, 400));
        }
      }
      for (const bad of BAD_EVENT_IDS) {
        const resume = { ...buyer.auth, 'Last-Event-ID': bad };
        expect(await attempt(streams[0], resume)).toEqual(refusal(streams[0], 400));
      }
      for (const path of [`/orders/${MISSING_ID}/events`, `/disputes/${MISSING_ID}/events`]) {
        expect(await attempt(path, admin.auth)).toEqual(refusal(path, 404));
      }
    });

    it("an admin may follow an order's and a dispute's stream", async () => {
      const [thread, room] = [
        await listen(streams[0], admin.auth),
        await listen(streams[1], admin.auth),
      ];
      const m = await say(orderId, seller);
      const dm = await argue(buyer);
      expect(got(await thread.waitFor(1))).toEqual([['message.created', m]]);
      expect(got(await room.waitFor(1))).toEqual([['dispute.message_created', dm]]);
    });
  });

  describe('POST /users/me/stream-tokens', () => {
    it('201 {token, expiresAt, url}: the url opens that stream, for 60 s', async () => {
      const before = Date.now();
      const res = await issue(buyer, { orderId }).expect(201);
      const { token } = res.body;
      expect(res.body).toEqual({
        token: expect.any(String),
        expiresAt: ISO,
        url: expect.any(String),
      });
      expect(res.body.url).toBe(`/orders/${orderId}/events?token=${token}`);
      const expiresAt = Date.parse(res.body.expiresAt);
      expect(expiresAt - before).toBeGreaterThanOrEqual(59_000);
      expect(expiresAt - before).toBeLessThanOrEqual(61_000);
      const claims = claimsOf(token);
      expect(claims).toMatchObject({
        sub: String(buyer.id),
        typ: 'stream',
        scope: `order:${orderId}`,
      });
      expect(Math.abs(Number(claims.exp) * 1000 - expiresAt)).toBeLessThan(2000);
      const s = await listen(res.body.url);
      const m = await say(orderId, seller);
      expect(got(await s.waitFor(1))).toEqual([['message.created', m]]);
    });

    it("{disputeId} opens that dispute's stream, {} the caller's own, and an admin gets one too", async () => {
      const room = await listen((await issue(seller, { disputeId }).expect(201)).body.url);
      const url = (await issue(seller, {}).expect(201)).body.url;
      expect(url).toMatch(/^\/users\/me\/events\?token=/);
      const mine = await listen(url);
      const adminUrl = (await issue(admin, { orderId }).expect(201)).body.url;
      const watched = await listen(adminUrl);
      const dm = await argue(buyer);
      const m = await say(orderId, buyer);
      expect(got(await room.waitFor(1))).toEqual([['dispute.message_created', dm]]);
      expect(got(await watched.waitFor(1))).toEqual([['message.created', m]]);
      expect(got(await mine.waitFor(2))).toEqual([
        ['dispute.message_created', dm],
        ['message.created', m],
      ]);
    });

    it('403 for a stream the caller cannot read, 404 for a missing one, 400 for bad bodies', async () => {
      await issue(stranger, { orderId }).expect(403);
      await issue(stranger, { disputeId }).expect(403);
      await issue(buyer, { orderId: MISSING_ID }).expect(404);
      await issue(buyer, { disputeId: MISSING_ID }).expect(404);
      const both = await issue(buyer, { orderId, disputeId }).expect(400);
      expect(both.body.message).toMatch(/orderId or disputeId/);
      for (const body of [{ orderId: 'abc' }, { orderId: 0 }, { disputeId: 1.5 }, { userId: 1 }]) {
        await issue(buyer, body).expect(400);
      }
      await issue(null, { orderId }).expect(401);
    });

    it('opens only its own stream: another order, a dispute or the user stream is 403', async () => {
      const { token } = (await issue(buyer, { orderId }).expect(201)).body;
      for (const path of [`/orders/${otherOrderId}/events`, streams[1], streams[2]]) {
        const url = `${path}?token=${token}`;
        expect(await attempt(url)).toEqual(refusal(url, 403));
      }
      const own = `${streams[0]}?token=${token}`;
      expect(await attempt(own)).toMatchObject({ status: 200 });
    });

    it('is refused as a Bearer token (401), on normal routes and streams alike', async () => {
      const { token } = (await issue(buyer, { orderId }).expect(201)).body;
      await t.http.get('/users/me').set(bearer(token)).expect(401);
      await t.http.get(`/orders/${orderId}`).set(bearer(token)).expect(401);
      expect(await attempt(streams[0], bearer(token))).toEqual(refusal(streams[0], 401));
      // ...and an access token is no stream token.
      const url = `${streams[0]}?token=${buyer.token}`;
      expect(await attempt(url)).toEqual(refusal(url, 401));
    });

    it('401 once expired', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: String(buyer.id),
        roles: ['USER'],
        typ: 'stream',
        sv: 1,
        scope: `order:${orderId}`,
      };
      const expired = `${streams[0]}?token=${signed({ ...claims, iat: now - 120, exp: now - 60 })}`;
      expect(await attempt(expired)).toEqual(refusal(expired, 401));
      // The same claims still in date pass: the refusal is about the expiry alone.
      const valid = `${streams[0]}?token=${signed({ ...claims, iat: now, exp: now + 60 })}`;
      expect(await attempt(valid)).toMatchObject({ status: 200 });
    });
  });

  describe('unread counts', () => {
    const unread = async (id: number, who: TestUser): Promise<number> =>
      (await t.http.get(`/orders/${id}`).set(who.auth).expect(200)).body.unreadCount;
    const markRead = (id: number, who: TestUser) =>
      t.http.post(`/orders/${id}/messages/read`).set(who.auth);

    it("counts the other side's messages until POST .../messages/read, then again", async () => {
      const { id } = await newOrder();
      expect([await unread(id, buyer), await unread(id, seller)]).toEqual([0, 0]);
      await say(id, seller);
      expect(await unread(id, buyer)).toBe(1);
      await say(id, buyer);
      await say(id, buyer);
      expect([await unread(id, buyer), await unread(id, seller)]).toEqual([1, 2]);
      const last = await say(id, seller);
      expect(await unread(id, buyer)).toBe(2);
      expect((await markRead(id, buyer).expect(200)).body).toEqual({
        orderId: id,
        lastReadMessageId: last.id,
        unreadCount: 0,
      });
      expect([await unread(id, buyer), await unread(id, seller)]).toEqual([0, 2]);
      await say(id, seller);
      expect(await unread(id, buyer)).toBe(1);
      const list = await t.http.get('/orders?role=buyer&limit=200').set(buyer.auth).expect(200);
      expect(list.body.find((o: Body) => o.id === id)).toMatchObject({ unreadCount: 1 });
    });

    it('403 for an admin or a stranger on .../messages/read; 404 for a missing order', async () => {
      await markRead(otherOrderId, admin).expect(403);
      await markRead(otherOrderId, stranger).expect(403);
      await markRead(MISSING_ID, buyer).expect(404);
      await markRead(otherOrderId, seller).expect(200);
    });
  });
});

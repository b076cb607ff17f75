import { aCast, anItem, countRows, type TestUser } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR_MS = 60 * 60 * 1000;
type Request = { id: number; status: string; respondBy: string; createdAt: string };

/** Cancellation by consent of PROTECTED orders once work has started. */
describe('cancellation requests', () => {
  let t: TestApp;
  let buyer: TestUser, seller: TestUser, admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    ({ buyer, seller, admin } = await aCast(t));
  });
  afterAll(() => t.close());

  const patch = (id: number, who: TestUser, status: string) =>
    t.http.patch(`/orders/${id}/status?status=${status}`).set(who.auth);
  const placed = async (process = 'PROTECTED'): Promise<number> => {
    const item = await anItem(t, seller, { process });
    return (await t.http.post('/orders').set(buyer.auth).send({ itemId: item.id }).expect(201)).body
      .id as number;
  };
  const inProgress = async (process = 'PROTECTED') => {
    const id = await placed(process);
    await patch(id, seller, 'IN_PROGRESS').expect(200);
    return id;
  };
  const ask = (id: number, who: TestUser, reason = 'The brief changed') =>
    t.http.post(`/orders/${id}/cancellation-requests`).set(who.auth).send({ reason });
  const answer = (id: number, requestId: number, who: TestUser, how: 'accept' | 'decline') =>
    t.http.post(`/orders/${id}/cancellation-requests/${requestId}/${how}`).set(who.auth);
  const status = async (id: number) =>
    (await t.http.get(`/orders/${id}`).set(buyer.auth).expect(200)).body.status as string;

  it('is answerable until now + the cancellationWindow (PT48H by default); accepting cancels the order', async () => {
    const id = await inProgress();
    const res = await ask(id, buyer, ' The brief changed ').expect(201);
    const request = res.body as Request;
    expect(res.body).toMatchObject({
      orderId: id,
      requestedByUserId: buyer.id,
      reason: 'The brief changed',
      status: 'PENDING',
      resolvedAt: null,
    });
    expect(Date.parse(request.respondBy) - Date.parse(request.createdAt)).toBe(48 * HOUR_MS);
    const accepted = await answer(id, request.id, seller, 'accept').expect(200);
    expect(accepted.body).toMatchObject({ status: 'ACCEPTED', resolvedAt: expect.any(String) });
    expect(await status(id)).toBe('CANCELLED');
    const history = (await t.http.get(`/orders/${id}/history`).set(buyer.auth).expect(200)).body;
    expect(history.at(-1)).toMatchObject({ status: 'CANCELLED', changedByUserId: seller.id });
  });

  it('declining leaves the order as it was, and a new request may follow', async () => {
    const id = await inProgress();
    await t.http
      .post(`/orders/${id}/deliveries`)
      .set(seller.auth)
      .send({ message: 'Draft' })
      .expect(201);
    const first = (await ask(id, seller).expect(201)).body as Request;
    expect((await answer(id, first.id, buyer, 'decline').expect(200)).body).toMatchObject({
      status: 'DECLINED',
    });
    expect(await status(id)).toBe('DELIVERED');
    await ask(id, buyer).expect(201);
    const list = await t.http.get(`/orders/${id}/cancellation-requests`).set(admin.auth);
    expect(list.status).toBe(200);
    expect((list.body as Request[]).map((r) => r.status)).toEqual(['DECLINED', 'PENDING']);
  });

  it('allows one PENDING request per order (409), and refuses the asker as the answerer (403)', async () => {
    const id = await inProgress();
    const request = (await ask(id, buyer).expect(201)).body as Request;
    const before = await countRows(t, 'order_cancellation_requests');
    for (const who of [buyer, seller]) {
      expect((await ask(id, who).expect(409)).body).toMatchObject({
        code: 'CANCELLATION_REQUEST_ALREADY_PENDING',
      });
    }
    expect(await countRows(t, 'order_cancellation_requests')).toBe(before);
    for (const how of ['accept', 'decline'] as const) {
      expect((await answer(id, request.id, buyer, how).expect(403)).body).toMatchObject({
        code: 'CANCELLATION_REQUEST_OWN',
      });
    }
    expect(await status(id)).toBe('IN_PROGRESS');
  });

  it('refuses a request on a PENDING or a DIRECT order, naming the status PATCH', async () => {
    for (const id of [await placed(), await inProgress('DIRECT')]) {
      const res = await ask(id, buyer).expect(409);
      expect(res.body).toMatchObject({ code: 'ORDER_TRANSITION_NOT_ALLOWED' });
      expect(res.body.message).toMatch(/PATCH \/orders\/\{id\}\/status/);
    }
  });

  it('answers 404 for a request of another order, and 409 for one already answered', async () => {
    const [a, b] = [await inProgress(), await inProgress()];
    const request = (await ask(a, buyer).expect(201)).body as Request;
    expect((await answer(b, request.id, seller, 'accept').expect(404)).body).toMatchObject({
      code: 'CANCELLATION_REQUEST_NOT_FOUND',
    });
    await answer(a, request.id, seller, 'decline').expect(200);
    expect((await answer(a, request.id, seller, 'accept').expect(409)).body).toMatchObject({
      code: 'CANCELLATION_REQUEST_NOT_PENDING',
    });
    expect(await status(a)).toBe('IN_PROGRESS');
  });

  it('of an accept and a decline at once, exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await inProgress();
      const request = (await ask(id, buyer).expect(201)).body as Request;
      const [acc, dec] = await Promise.all([
        answer(id, request.id, seller, 'accept'),
        answer(id, request.id, seller, 'decline'),
      ]);
      expect([acc.status, dec.status].sort()).toEqual([200, 409]);
      const final = (
        await t.http.get(`/orders/${id}/cancellation-requests`).set(buyer.auth).expect(200)
      ).body as Request[];
      expect(final).toHaveLength(1);
      expect(await status(id)).toBe(final[0].status === 'ACCEPTED' ? 'CANCELLED' : 'IN_PROGRESS');
      expect(acc.status === 200).toBe(final[0].status === 'ACCEPTED');
    }
  });
});

import type { AddressInfo } from 'node:net';
import { createEchoClient } from '../../clients/typescript/src';
import { anAdmin } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** The main flow of the product, driven only through the generated TypeScript client. */
describe('typed client (clients/typescript)', () => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  const as = (token?: string) => createEchoClient({ baseUrl, token });

  it('register, list an item, order, message, complete, review, dispute, resolve', async () => {
    const anonymous = as();
    const { data: creator } = await anonymous.POST('/users/register', {
      body: { email: 'creator@example.com', username: 'client_creator', password: 'long enough' },
    });
    const { data: buyer } = await anonymous.POST('/users/register', {
      body: { email: 'buyer@example.com', username: 'client_buyer', password: 'long enough' },
    });
    expect(creator?.token && buyer?.token).toBeTruthy();
    const seller = as(creator!.token);
    const customer = as(buyer!.token);

    const { data: item } = await seller.POST('/items', {
      body: { title: 'Tour poster', basePrice: 80.5, itemType: 'SERVICE' },
    });
    expect(item).toMatchObject({ creatorId: creator!.id, basePrice: 80.5 });

    const { data: order, response } = await customer.POST('/orders', {
      body: { itemId: item!.id },
    });
    expect(response.status).toBe(201);
    expect(order).toMatchObject({ buyerId: buyer!.id, sellerId: creator!.id, finalPrice: 80.5 });
    const orderId = order!.id;

    const { data: message } = await customer.POST('/orders/{orderId}/messages', {
      params: { path: { orderId } },
      body: { content: 'Can you use our band colours?' },
    });
    expect(message).toMatchObject({ orderId, senderId: buyer!.id });

    for (const status of ['IN_PROGRESS', 'COMPLETED'] as const) {
      const { data } = await seller.PATCH('/orders/{id}/status', {
        params: { path: { id: orderId }, query: { status } },
      });
      expect(data?.status).toBe(status);
    }

    const { data: review } = await customer.POST('/reviews', {
      body: { orderId, score: 5, comment: 'Exactly the brief.' },
    });
    expect(review).toMatchObject({ orderId, reviewedUserId: creator!.id, score: 5 });
    const { data: average } = await anonymous.GET('/reviews/user/{userId}/average', {
      params: { path: { userId: creator!.id } },
    });
    expect(average).toMatchObject({ average: 5, count: 1 });

    const { data: dispute } = await customer.POST('/disputes', {
      body: { orderId, reason: 'The print files are in the wrong colour profile.' },
    });
    expect(dispute).toMatchObject({ orderId, status: 'OPEN' });

    const admin = as((await anAdmin(t)).token);
    const { data: resolved } = await admin.PATCH('/disputes/{id}/resolve', {
      params: { path: { id: dispute!.id } },
      body: { resolution: 'The creator re-exported the files in CMYK.' },
    });
    expect(resolved).toMatchObject({ status: 'CLOSED', closedAt: expect.any(String) });

    const { error, response: refused } = await as(buyer!.token).GET('/disputes/open');
    expect(refused.status).toBe(403);
    expect(error).toMatchObject({ statusCode: 403, message: expect.any(String) });
  });
});

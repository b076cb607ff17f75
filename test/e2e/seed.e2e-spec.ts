import { validateEnv } from '../../src/config/env.validation';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { seed } from '../../scripts/demo-data';
import { cloneTemplate } from '../support/databases';
import { startTestApp } from '../support/test-app';

/** `npm run seed` gives every screen of a client something to show, and runs only once. */
describe('demo data (npm run seed)', () => {
  it('fills a believable marketplace that the API serves', async () => {
    const db = await cloneTemplate();
    const ds = await new DataSource(
      dataSourceOptions(db.url, validateEnv(process.env)),
    ).initialize();
    try {
      expect(await seed(ds)).toMatch(/buyer@echo\.test/);
      expect(await seed(ds)).toBe('The demo data is already there.');
      const count = async (sql: string) => (await ds.query<{ n: number }[]>(sql))[0].n;
      const statuses: { status: string }[] = await ds.query('SELECT DISTINCT status FROM orders');
      expect(statuses.map((s) => s.status).sort()).toEqual(
        ['CANCELLED', 'COMPLETED', 'IN_PROGRESS', 'PENDING'].sort(),
      );
      expect(await count('SELECT count(*)::int AS n FROM order_messages')).toBeGreaterThan(4);
      expect(await count('SELECT count(*)::int AS n FROM reviews')).toBeGreaterThan(0);
      expect(await count(`SELECT count(*)::int AS n FROM disputes WHERE status = 'OPEN'`)).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM disputes WHERE status = 'CLOSED'`)).toBe(
        1,
      );
      expect(await count('SELECT count(*)::int AS n FROM payments')).toBeGreaterThan(0);

      const t = await startTestApp({}, { databaseUrl: db.url });
      try {
        const login = await t.http
          .post('/users/login')
          .send({ email: 'buyer@echo.test', password: 'echo-demo-2026' })
          .expect(200);
        const orders = await t.http
          .get('/orders')
          .set('Authorization', `Bearer ${login.body.token}`)
          .expect(200);
        expect(orders.body).toHaveLength(4);
        const admin = await t.http
          .post('/users/login')
          .send({ email: 'admin@echo.test', password: 'echo-demo-2026' })
          .expect(200);
        expect(admin.body.roles).toContain('ADMIN');
      } finally {
        await t.close();
      }
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});

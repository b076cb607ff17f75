import { validateEnv } from '../../src/config/env.validation';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { cloneTemplate } from '../support/databases';

/** The schema comes from migrations only, so they must describe exactly what the entities say. */
describe('migrations', () => {
  let db: Awaited<ReturnType<typeof cloneTemplate>>;
  let ds: DataSource;
  beforeAll(async () => {
    db = await cloneTemplate();
    ds = await new DataSource(dataSourceOptions(db.url, validateEnv(process.env))).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  const pendingChanges = async () => (await ds.driver.createSchemaBuilder().log()).upQueries;
  const jobQueueTables = async () =>
    (
      await ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'pgboss'`,
      )
    )[0].n;

  it('agree with the entities: generating a migration now would yield nothing', async () => {
    expect(await pendingChanges()).toEqual([]);
  });

  it('revert cleanly down to an empty schema and apply again to the same result', async () => {
    const applied = await ds.query('SELECT count(*)::int AS n FROM migrations');
    expect(applied[0].n).toBeGreaterThan(0);
    // The job queue's schema gets a table per queue at run time: one is there to drop.
    const jobTables = await jobQueueTables();
    expect(jobTables).toBeGreaterThan(0);
    await ds.query(`SELECT pgboss.create_queue('schema-test', '{"policy": "standard"}')`);
    expect(await jobQueueTables()).toBe(jobTables + 1);
    for (let i = 0; i < applied[0].n; i++) await ds.undoLastMigration({ transaction: 'each' });
    const tables: { table_name: string }[] = await ds.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    expect(tables).toEqual([]);
    expect(await ds.query(`SELECT nspname FROM pg_namespace WHERE nspname = 'pgboss'`)).toEqual([]);
    await ds.runMigrations({ transaction: 'each' });
    expect(await pendingChanges()).toEqual([]);
    expect(await jobQueueTables()).toBe(jobTables);
  });
});

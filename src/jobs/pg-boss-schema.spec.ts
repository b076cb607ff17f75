import PgBoss from 'pg-boss';
import {
  PGBOSS_CONSTRUCTION,
  PGBOSS_SCHEMA_VERSION,
} from '../../migrations/1796400000000-JobQueue';
import { JOBS_SCHEMA } from './jobs.repository';

/** SQL compared as text: runs of white space are one space, and none stands before a `;`. */
const squash = (sql: string) => sql.replace(/\s+/g, ' ').replace(/ ?; ?/g, '; ').trim();

/**
 * The job queue's tables come from a migration, a copy of pg-boss's own construction. The
 * service starts pg-boss with `migrate: false`, so the copy must be exactly what the installed
 * pg-boss would build.
 */
describe("pg-boss's schema, from the migrations", () => {
  const plan = squash(PgBoss.getConstructionPlans(JOBS_SCHEMA));

  it('is the schema version the installed pg-boss expects', () => {
    const built = /INSERT INTO \w+\.version\(version\) VALUES \('(\d+)'\)/.exec(plan);
    expect(built).not.toBeNull();
    // When this fails after an upgrade: add a migration that runs
    // PgBoss.getMigrationPlans(JOBS_SCHEMA, PGBOSS_SCHEMA_VERSION), and bump the constant.
    expect(Number(built?.[1])).toBe(PGBOSS_SCHEMA_VERSION);
  });

  it("is pg-boss's construction, statement for statement, inside its transaction", () => {
    const ours = squash(PGBOSS_CONSTRUCTION.join(';'));
    const at = plan.indexOf(ours);
    expect(at).toBeGreaterThan(0);
    // Around it, only what the migration's own transaction and lock stand for.
    expect(plan.slice(0, at)).toMatch(
      /^BEGIN; (SET LOCAL \w+ = '\w+'; )*SELECT pg_advisory_xact_lock\([^;]*\); $/,
    );
    expect(plan.slice(at + ours.length)).toBe('; COMMIT;');
  });
});

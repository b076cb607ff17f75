import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session versions: every token carries the version of its account's sessions it was issued
 * under. The trigger raises the version whenever the password, the roles or the active flag
 * change, by whatever path (the API, `npm run admin:create`, ADMIN_EMAIL, plain SQL), so a
 * token never outlives the powers its account had when it was issued.
 */
export class SessionVersions1795500000000 implements MigrationInterface {
  name = 'SessionVersions1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "users" ADD "session_version" integer NOT NULL DEFAULT '1'
    `);
    await queryRunner.query(`
      CREATE FUNCTION users_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
           OR NEW.roles IS DISTINCT FROM OLD.roles
           OR NEW.is_active IS DISTINCT FROM OLD.is_active THEN
          NEW.session_version := OLD.session_version + 1;
        END IF;
        RETURN NEW;
      END $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER users_end_sessions BEFORE UPDATE ON users
      FOR EACH ROW EXECUTE FUNCTION users_end_sessions()
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER users_end_sessions ON users`);
    await queryRunner.query(`DROP FUNCTION users_end_sessions()`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "session_version"`);
  }
}

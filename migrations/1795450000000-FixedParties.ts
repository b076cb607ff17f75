import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The parties of an order never change, nor does the order a dispute is about: the access
 * checks answer from memory once they have read them (AccessService), so the database refuses
 * such a change outright rather than let a remembered answer go stale.
 */
export class FixedParties1795450000000 implements MigrationInterface {
  name = 'FixedParties1795450000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
      END $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER orders_parties_fixed BEFORE UPDATE OF buyer_id, seller_id ON orders
      FOR EACH ROW
      WHEN (NEW.buyer_id IS DISTINCT FROM OLD.buyer_id OR NEW.seller_id IS DISTINCT FROM OLD.seller_id)
      EXECUTE FUNCTION refuse_change('the buyer and the seller of an order never change')
    `);
    await queryRunner.query(`
      CREATE TRIGGER disputes_order_fixed BEFORE UPDATE OF order_id ON disputes
      FOR EACH ROW WHEN (NEW.order_id IS DISTINCT FROM OLD.order_id)
      EXECUTE FUNCTION refuse_change('a dispute stays on the order it was opened on')
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER disputes_order_fixed ON disputes`);
    await queryRunner.query(`DROP TRIGGER orders_parties_fixed ON orders`);
    await queryRunner.query(`DROP FUNCTION refuse_change()`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The earnings ledger and payouts, chargebacks as disputes, and the seller's Stripe account.
 *
 * Two triggers hold the ledger in the database, whatever the code does:
 * - ledger_entries_append_only: an entry's money, type, order and seller never change, and no
 *   entry is deleted; only its state, availableAt and execution follow events.
 * - ledger_matches_payment: deferred to commit, for every order whose payment or entries
 *   changed, its entries (the seller's and ECHO's parts) plus what was refunded and charged
 *   back equal what was paid.
 *
 * Payments recorded before the ledger get their entries here: the earning, and a refund entry
 * for what was already refunded, split like every refund. Earnings of orders completed before
 * the ledger are AVAILABLE at once; of orders with an open dispute, HELD; the others PENDING.
 */
export class EarningsLedger1796900000000 implements MigrationInterface {
  name = 'EarningsLedger1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);

    // Disputes: chargebacks have no user behind them, a Stripe id and an evidence deadline.
    await q(`ALTER TABLE disputes
               ADD kind character varying(20) NOT NULL DEFAULT 'ORDER',
               ADD due_by TIMESTAMP WITH TIME ZONE,
               ADD stripe_dispute_id character varying(255),
               ALTER COLUMN created_by_user_id DROP NOT NULL,
               ADD CONSTRAINT disputes_kind_known CHECK (kind IN ('ORDER', 'CHARGEBACK')),
               ADD CONSTRAINT disputes_kind_consistent CHECK (
                 (kind = 'ORDER' AND created_by_user_id IS NOT NULL AND stripe_dispute_id IS NULL)
                 OR (kind = 'CHARGEBACK' AND created_by_user_id IS NULL
                     AND stripe_dispute_id IS NOT NULL))`);
    await q(`CREATE UNIQUE INDEX disputes_stripe_dispute_id_key ON disputes (stripe_dispute_id)`);
    await q(`DROP INDEX disputes_one_open_per_order`);
    await q(`CREATE UNIQUE INDEX disputes_one_open_per_order ON disputes (order_id, kind)
             WHERE status = 'OPEN'`);

    await q(`ALTER TABLE payments
               ADD chargeback_cents integer NOT NULL DEFAULT 0,
               ADD CONSTRAINT payments_returned_range CHECK (
                 chargeback_cents >= 0
                 AND refunded_amount_cents + chargeback_cents <= total_amount_cents)`);

    await q(`ALTER TABLE users
               ADD stripe_account_id character varying(255),
               ADD CONSTRAINT users_stripe_account_format
                 CHECK (stripe_account_id ~ '^acct_[A-Za-z0-9]{1,200}$')`);

    await q(`CREATE TABLE payouts (
               id SERIAL NOT NULL,
               seller_id integer NOT NULL,
               amount_cents integer NOT NULL,
               currency character(3) NOT NULL,
               entry_count integer NOT NULL,
               execution character varying(20) NOT NULL,
               external_ref character varying(255),
               execution_note text,
               created_by_user_id integer,
               created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
               CONSTRAINT "PK_76855dc4f0a6c18c72eea302e87" PRIMARY KEY (id),
               CONSTRAINT payouts_amount_positive CHECK (amount_cents > 0),
               CONSTRAINT payouts_entry_count_positive CHECK (entry_count > 0),
               CONSTRAINT payouts_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
               CONSTRAINT payouts_execution_known
                 CHECK (execution IN ('MANUAL', 'PENDING', 'SUCCEEDED', 'FAILED')),
               CONSTRAINT payouts_seller_id_fkey FOREIGN KEY (seller_id)
                 REFERENCES users(id) ON DELETE RESTRICT ON UPDATE NO ACTION,
               CONSTRAINT payouts_created_by_user_id_fkey FOREIGN KEY (created_by_user_id)
                 REFERENCES users(id) ON DELETE SET NULL ON UPDATE NO ACTION)`);
    await q(`CREATE INDEX payouts_seller_id_id_idx ON payouts (seller_id, id)`);
    await q(`CREATE INDEX payouts_created_at_idx ON payouts (created_at)`);
    await q(`CREATE INDEX payouts_execution_pending_idx ON payouts (id)
             WHERE execution = 'PENDING'`);

    await q(`CREATE TABLE ledger_entries (
               id SERIAL NOT NULL,
               seller_id integer NOT NULL,
               order_id integer,
               payment_id integer,
               payout_id integer,
               type character varying(20) NOT NULL,
               amount_cents integer NOT NULL,
               platform_fee_cents integer NOT NULL DEFAULT '0',
               currency character(3) NOT NULL,
               state character varying(20) NOT NULL,
               available_at TIMESTAMP WITH TIME ZONE,
               execution character varying(20),
               external_ref character varying(255),
               execution_error text,
               created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
               CONSTRAINT "PK_6efcb84411d3f08b08450ae75d5" PRIMARY KEY (id),
               CONSTRAINT ledger_entries_type_known
                 CHECK (type IN ('EARNING', 'REFUND', 'CHARGEBACK', 'PAYOUT')),
               CONSTRAINT ledger_entries_state_known
                 CHECK (state IN ('PENDING', 'CLEARING', 'AVAILABLE', 'HELD', 'PAID')),
               CONSTRAINT ledger_entries_execution_known CHECK (
                 execution IS NULL OR execution IN ('MANUAL', 'PENDING', 'SUCCEEDED', 'FAILED')),
               CONSTRAINT ledger_entries_order_unless_payout
                 CHECK ((type = 'PAYOUT') = (order_id IS NULL)),
               CONSTRAINT ledger_entries_paid_by_payout
                 CHECK ((state = 'PAID') = (payout_id IS NOT NULL)),
               CONSTRAINT ledger_entries_signs CHECK (
                 CASE type
                   WHEN 'EARNING' THEN amount_cents >= 0 AND platform_fee_cents >= 0
                                       AND amount_cents + platform_fee_cents > 0
                   WHEN 'PAYOUT' THEN amount_cents <> 0 AND platform_fee_cents = 0
                   ELSE amount_cents <= 0 AND platform_fee_cents <= 0
                        AND amount_cents + platform_fee_cents < 0
                 END),
               CONSTRAINT ledger_entries_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
               CONSTRAINT ledger_entries_seller_id_fkey FOREIGN KEY (seller_id)
                 REFERENCES users(id) ON DELETE RESTRICT ON UPDATE NO ACTION,
               CONSTRAINT ledger_entries_order_id_fkey FOREIGN KEY (order_id)
                 REFERENCES orders(id) ON DELETE RESTRICT ON UPDATE NO ACTION,
               CONSTRAINT ledger_entries_payment_id_fkey FOREIGN KEY (payment_id)
                 REFERENCES payments(id) ON DELETE RESTRICT ON UPDATE NO ACTION,
               CONSTRAINT ledger_entries_payout_id_fkey FOREIGN KEY (payout_id)
                 REFERENCES payouts(id) ON DELETE RESTRICT ON UPDATE NO ACTION
                 DEFERRABLE INITIALLY DEFERRED)`);
    await q(`CREATE UNIQUE INDEX ledger_entries_one_earning_per_payment ON ledger_entries (payment_id)
             WHERE type = 'EARNING'`);
    await q(`CREATE INDEX ledger_entries_seller_id_id_idx ON ledger_entries (seller_id, id)`);
    await q(`CREATE INDEX ledger_entries_order_id_idx ON ledger_entries (order_id)`);
    await q(`CREATE INDEX ledger_entries_payout_id_idx ON ledger_entries (payout_id)`);
    await q(`CREATE INDEX ledger_entries_available_idx ON ledger_entries (seller_id)
             WHERE state = 'AVAILABLE'`);
    await q(`CREATE INDEX ledger_entries_execution_pending_idx ON ledger_entries (id)
             WHERE execution = 'PENDING'`);
    await q(`CREATE INDEX ledger_entries_clearing_idx ON ledger_entries (available_at)
             WHERE state = 'CLEARING'`);

    await q(`CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF TG_OP = 'DELETE' THEN
                 RAISE EXCEPTION 'ledger entry % cannot be deleted: add a correcting entry', OLD.id
                   USING ERRCODE = 'integrity_constraint_violation';
               END IF;
               IF (NEW.seller_id, NEW.order_id, NEW.payment_id, NEW.type, NEW.amount_cents,
                   NEW.platform_fee_cents, NEW.currency)
                  IS DISTINCT FROM (OLD.seller_id, OLD.order_id, OLD.payment_id, OLD.type,
                   OLD.amount_cents, OLD.platform_fee_cents, OLD.currency)
                  OR (OLD.payout_id IS NOT NULL AND NEW.payout_id IS DISTINCT FROM OLD.payout_id) THEN
                 RAISE EXCEPTION 'ledger entry % cannot change its money or its payout', OLD.id
                   USING ERRCODE = 'integrity_constraint_violation';
               END IF;
               RETURN NEW;
             END $$`);
    await q(`CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
             FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()`);

    await q(`CREATE FUNCTION ledger_matches_payment() RETURNS trigger LANGUAGE plpgsql AS $$
             DECLARE
               paid payments%ROWTYPE;
               booked bigint;
             BEGIN
               IF NEW.order_id IS NULL THEN RETURN NULL; END IF;
               SELECT * INTO paid FROM payments WHERE order_id = NEW.order_id;
               SELECT COALESCE(sum(amount_cents + platform_fee_cents), 0) INTO booked
                 FROM ledger_entries WHERE order_id = NEW.order_id;
               IF paid.id IS NULL
                  OR booked + paid.refunded_amount_cents + paid.chargeback_cents
                     <> paid.total_amount_cents THEN
                 RAISE EXCEPTION 'the ledger of order % does not add up to its payment', NEW.order_id
                   USING ERRCODE = 'integrity_constraint_violation',
                         CONSTRAINT = 'ledger_matches_payment';
               END IF;
               RETURN NULL;
             END $$`);
    await q(`CREATE CONSTRAINT TRIGGER ledger_matches_payment AFTER INSERT ON ledger_entries
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_matches_payment()`);
    await q(`CREATE CONSTRAINT TRIGGER payments_match_ledger
             AFTER INSERT OR UPDATE OF total_amount_cents, refunded_amount_cents, chargeback_cents
             ON payments
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_matches_payment()`);

    // The entries of payments recorded before the ledger.
    await q(`INSERT INTO ledger_entries (seller_id, order_id, payment_id, type, amount_cents,
                                         platform_fee_cents, currency, state, available_at)
             SELECT o.seller_id, p.order_id, p.id, 'EARNING',
                    p.total_amount_cents - p.platform_fee_cents, p.platform_fee_cents, p.currency,
                    CASE WHEN o.has_open_dispute THEN 'HELD'
                         WHEN o.status = 'COMPLETED' THEN 'AVAILABLE' ELSE 'PENDING' END,
                    CASE WHEN o.status = 'COMPLETED' THEN now() END
             FROM payments p JOIN orders o ON o.id = p.order_id ORDER BY p.id`);
    await q(`INSERT INTO ledger_entries (seller_id, order_id, payment_id, type, amount_cents,
                                         platform_fee_cents, currency, state, available_at)
             SELECT e.seller_id, e.order_id, e.payment_id, 'REFUND',
                    -(p.refunded_amount_cents - s.fee_back), -s.fee_back, e.currency, e.state,
                    e.available_at
             FROM payments p
             JOIN ledger_entries e ON e.payment_id = p.id AND e.type = 'EARNING'
             CROSS JOIN LATERAL (SELECT round(p.platform_fee_cents::numeric * p.refunded_amount_cents
                                              / p.total_amount_cents)::int AS fee_back) s
             WHERE p.refunded_amount_cents > 0 ORDER BY p.id`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`DROP TRIGGER payments_match_ledger ON payments`);
    await q(`DROP TABLE ledger_entries`);
    await q(`DROP FUNCTION ledger_matches_payment()`);
    await q(`DROP FUNCTION ledger_entries_append_only()`);
    await q(`DROP TABLE payouts`);
    await q(`ALTER TABLE users DROP CONSTRAINT users_stripe_account_format,
               DROP COLUMN stripe_account_id`);
    await q(`ALTER TABLE payments DROP CONSTRAINT payments_returned_range,
               DROP COLUMN chargeback_cents`);
    await q(`DROP INDEX disputes_one_open_per_order`);
    await q(`DELETE FROM dispute_messages WHERE dispute_id IN
               (SELECT id FROM disputes WHERE kind = 'CHARGEBACK')`);
    await q(`DELETE FROM disputes WHERE kind = 'CHARGEBACK'`);
    await q(`CREATE UNIQUE INDEX disputes_one_open_per_order ON disputes (order_id)
             WHERE status = 'OPEN'`);
    await q(`DROP INDEX disputes_stripe_dispute_id_key`);
    await q(`ALTER TABLE disputes DROP CONSTRAINT disputes_kind_consistent,
               DROP CONSTRAINT disputes_kind_known,
               ALTER COLUMN created_by_user_id SET NOT NULL,
               DROP COLUMN stripe_dispute_id, DROP COLUMN due_by, DROP COLUMN kind`);
  }
}

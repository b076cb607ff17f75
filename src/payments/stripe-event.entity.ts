import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every verified Stripe event, by its id. Inserting it first, in the same transaction as its
 * effect, is what makes a replayed event change nothing.
 */
@Entity('stripe_events')
export class StripeEvent {
  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  type!: string;

  /** What the event did: recorded, ignored (and why). */
  @Column({ type: 'varchar', length: 200 })
  outcome!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;
}

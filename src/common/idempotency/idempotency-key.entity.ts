import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A POST made with an Idempotency-Key: while it runs, and for 24 hours after, the same key
 * from the same user replays its response instead of doing the work again.
 */
@Entity('idempotency_keys')
@Check('idempotency_keys_state_known', `state IN ('running', 'done')`)
@Index('idempotency_keys_created_at_idx', ['createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({ type: 'integer' })
  userId!: number;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 of method, URL and body: the same key with another request is refused. */
  @Column({ type: 'char', length: 64 })
  requestHash!: string;

  @Column({ type: 'varchar', length: 10 })
  state!: 'running' | 'done';

  @Column({ type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'json', nullable: true })
  response!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

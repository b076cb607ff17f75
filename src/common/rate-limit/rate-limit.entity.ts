import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Rate-limit counters when they are shared between instances (RATE_LIMIT_STORE=postgres). */
@Entity('rate_limits')
export class RateLimitCounter {
  @PrimaryColumn({ type: 'varchar', length: 300 })
  key!: string;

  @Column({ type: 'timestamptz' })
  windowStart!: Date;

  @Column({ type: 'integer' })
  hits!: number;
}

import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { StripeEvent } from './stripe-event.entity';

export type ClaimResult = { ok: true } | { ok: false; reason: 'ALREADY_RECEIVED' };

/** The bookkeeping of Stripe events: which ids were received, and what each did. */
@Injectable()
export class StripeEventsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Stores the event's id, unless it is already stored: in the transaction of the event's
   * effect, so that a replay, even a concurrent one, finds it and changes nothing.
   */
  async claim(id: string, type: string): Promise<ClaimResult> {
    const fresh: unknown[] = await this.db.tx.query(
      `INSERT INTO stripe_events (id, type, outcome) VALUES ($1, $2, 'received')
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, type],
    );
    return fresh.length ? { ok: true } : { ok: false, reason: 'ALREADY_RECEIVED' };
  }

  async setOutcome(id: string, outcome: string): Promise<void> {
    await this.db.tx.getRepository(StripeEvent).update({ id }, { outcome });
  }
}

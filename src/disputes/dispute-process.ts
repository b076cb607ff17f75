import type { Role } from '../common/auth/roles';
import type { DisputeKind, DisputeStatus } from './dispute.entity';

/**
 * A dispute's life, in one table that everything changing a dispute reads. A buyer or seller of
 * the order opens it, OPEN; at most one per order and kind is OPEN at a time (the partial unique
 * index disputes_one_open_per_order). Its thread takes messages while it is OPEN. An admin resolves
 * it, once, which closes it with a resolution (and maybe a refund). A CHARGEBACK is opened and
 * closed by Stripe's events (chargebacks.service.ts), never by an admin's resolution.
 */
export const DISPUTE_PROCESS = {
  open: { to: 'OPEN' },
  message: { in: 'OPEN' },
  resolve: { from: 'OPEN', to: 'CLOSED', by: ['ADMIN'], kind: 'ORDER' },
} as const satisfies {
  open: { to: DisputeStatus };
  message: { in: DisputeStatus };
  resolve: { from: DisputeStatus; to: DisputeStatus; by: readonly Role[]; kind: DisputeKind };
};

import type { PartyRule } from '../common/access/access.service';
import { DisputeErrors, disputeNotFound } from './dispute.errors';

/** A dispute belongs to the parties of its order (whoever opened it), and admins handle it. */
export const DISPUTE_PARTIES: PartyRule = {
  table: 'disputes',
  parties: ['buyer_id', 'seller_id'],
  via: { table: 'orders', key: 'order_id' },
  notFound: disputeNotFound,
  notParty: () =>
    DisputeErrors.DISPUTE_ACCESS_DENIED(
      'Only the parties to this dispute or an admin may do this.',
    ),
};

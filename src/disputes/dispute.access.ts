import type { PartyRule } from '../common/access/access.service';
import { ORDER_PARTIES } from '../orders/order.access';
import { DisputeErrors, disputeNotFound } from './dispute.errors';

/** A dispute belongs to the parties of its order (whoever opened it), and admins handle it. */
export const DISPUTE_PARTIES: PartyRule = {
  table: 'disputes',
  parties: ['buyer_id', 'seller_id'],
  via: { table: 'orders', key: 'order_id' },
  // disputes_order_fixed refuses moving a dispute to another order; the order's parties are fixed.
  partiesNeverChange: true,
  notFound: disputeNotFound,
  notParty: () =>
    DisputeErrors.DISPUTE_ACCESS_DENIED(
      'Only the parties to this dispute or an admin may do this.',
    ),
};

/** Only the buyer or the seller of an order opens a dispute on it (admins resolve them). */
export const DISPUTE_OPENERS: PartyRule = {
  ...ORDER_PARTIES,
  notParty: () =>
    DisputeErrors.DISPUTE_PARTY_REQUIRED(
      'Only the buyer or the seller of this order may open a dispute.',
    ),
};

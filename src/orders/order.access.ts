import type { PartyRule } from '../common/access/access.service';
import { OrderErrors, orderNotFound } from './order.errors';

/** An order, its thread, its review, its payment and its dispute are its buyer's and seller's. */
export const ORDER_PARTIES: PartyRule = {
  table: 'orders',
  parties: ['buyer_id', 'seller_id'],
  // The orders_parties_fixed trigger refuses any change of buyer_id or seller_id.
  partiesNeverChange: true,
  notFound: orderNotFound,
  notParty: (adminAllowed) =>
    OrderErrors.ORDER_PARTY_REQUIRED(
      adminAllowed
        ? 'Only the buyer, the seller or an admin may do this on this order.'
        : 'Only the buyer or the seller of this order may do this.',
    ),
};

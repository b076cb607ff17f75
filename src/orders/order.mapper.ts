import type { OrderView } from './orders.repository';
import { fromCents } from '../common/money';
import type { OrderResponse } from './dto/order.dto';

export const toOrderResponse = (o: OrderView): OrderResponse => ({
  id: o.id,
  buyerId: o.buyerId,
  sellerId: o.sellerId,
  itemId: o.itemId,
  finalPrice: fromCents(o.finalPriceCents),
  status: o.status,
  hasOpenDispute: o.hasOpenDispute,
  unreadCount: o.unreadCount,
  process: o.process,
  dueAt: o.dueAt?.toISOString() ?? null,
  isLate: o.isLate,
  revisionsLeft: o.revisionsLeft,
  deliveredAt: o.deliveredAt?.toISOString() ?? null,
  autoCompleteAt: o.autoCompleteAt?.toISOString() ?? null,
  createdAt: o.createdAt.toISOString(),
  updatedAt: o.updatedAt.toISOString(),
});

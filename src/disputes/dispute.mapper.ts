import type { DisputeMessageRecord, DisputeRecord } from './disputes.repository';
import type { DisputeMessageResponse, DisputeResponse } from './dto/dispute.dto';

export const toDisputeResponse = (d: DisputeRecord): DisputeResponse => ({
  id: d.id,
  orderId: d.orderId,
  kind: d.kind,
  createdByUserId: d.createdByUserId,
  createdByUsername: d.createdByUsername,
  reason: d.reason,
  status: d.status,
  resolution: d.resolution,
  createdAt: d.createdAt.toISOString(),
  closedAt: d.closedAt === null ? null : d.closedAt.toISOString(),
  dueBy: d.dueBy === null ? null : d.dueBy.toISOString(),
});

export const toDisputeMessageResponse = (m: DisputeMessageRecord): DisputeMessageResponse => ({
  id: m.id,
  disputeId: m.disputeId,
  userId: m.userId,
  username: m.username,
  message: m.message,
  createdAt: m.createdAt.toISOString(),
});

import type { DisputeStatus } from './dispute.entity';
import type { DisputeMessageResponse, DisputeResponse } from './dto/dispute.dto';

export interface DisputeRow {
  id: number;
  order_id: number;
  created_by_user_id: number;
  created_by_username: string;
  reason: string;
  status: DisputeStatus;
  resolution: string | null;
  created_at: Date;
  closed_at: Date | null;
}

export interface DisputeMessageRow {
  id: number;
  dispute_id: number;
  user_id: number;
  username: string;
  message: string;
  created_at: Date;
}

/** The select list every dispute read shares (aliases: d = disputes, u = its creator). */
export const DISPUTE_COLUMNS = `d.id, d.order_id, d.created_by_user_id,
  u.username AS created_by_username, d.reason, d.status, d.resolution, d.created_at, d.closed_at`;

const iso = (d: Date | string) => new Date(d).toISOString();

export const toDisputeResponse = (r: DisputeRow): DisputeResponse => ({
  id: r.id,
  orderId: r.order_id,
  createdByUserId: r.created_by_user_id,
  createdByUsername: r.created_by_username,
  reason: r.reason,
  status: r.status,
  resolution: r.resolution,
  createdAt: iso(r.created_at),
  closedAt: r.closed_at === null ? null : iso(r.closed_at),
});

export const toDisputeMessageResponse = (r: DisputeMessageRow): DisputeMessageResponse => ({
  id: r.id,
  disputeId: r.dispute_id,
  userId: r.user_id,
  username: r.username,
  message: r.message,
  createdAt: iso(r.created_at),
});

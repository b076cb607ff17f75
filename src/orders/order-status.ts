import { isAdmin, type AuthUser } from '../common/auth/roles';

/**
 * The order lifecycle: the one table that decides who may move an order from one status to
 * another. Everything that changes an order's status asks `decideTransition`.
 */
export const ORDER_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type PartyRole = 'buyer' | 'seller';

interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  by: readonly PartyRole[];
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'PENDING', to: 'IN_PROGRESS', by: ['seller'] },
  { from: 'PENDING', to: 'CANCELLED', by: ['buyer', 'seller'] },
  { from: 'IN_PROGRESS', to: 'COMPLETED', by: ['seller', 'buyer'] },
  { from: 'IN_PROGRESS', to: 'CANCELLED', by: ['buyer', 'seller'] },
];

/** COMPLETED and CANCELLED end the lifecycle for the parties; an admin can still move them. */
export const FINAL_STATUSES: readonly OrderStatus[] = ['COMPLETED', 'CANCELLED'];

export interface Actor {
  isBuyer: boolean;
  isSeller: boolean;
  isAdmin: boolean;
}

/** Who `user` is to the order, as decideTransition weighs it. */
export const actorOf = (order: { buyerId: number; sellerId: number }, user: AuthUser): Actor => ({
  isBuyer: order.buyerId === user.id,
  isSeller: order.sellerId === user.id,
  isAdmin: isAdmin(user),
});

export type Decision =
  { allowed: true } | { allowed: false; reason: 'same' | 'illegal' | 'forbidden'; message: string };

export function decideTransition(from: OrderStatus, to: OrderStatus, actor: Actor): Decision {
  if (from === to) {
    return { allowed: false, reason: 'same', message: `The order is already ${to}.` };
  }
  // Admins resolve exceptional cases and may set any status.
  if (actor.isAdmin) return { allowed: true };
  const transition = TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (!transition) {
    const next = TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
    return {
      allowed: false,
      reason: 'illegal',
      message: next.length
        ? `An order that is ${from} can only move to ${next.join(' or ')}, not ${to}.`
        : `The order is ${from}, which is final; it can no longer change status.`,
    };
  }
  const roles: PartyRole[] = [];
  if (actor.isBuyer) roles.push('buyer');
  if (actor.isSeller) roles.push('seller');
  if (!transition.by.some((r) => roles.includes(r))) {
    return {
      allowed: false,
      reason: 'forbidden',
      message: `Only the ${transition.by.join(' or ')} may move an order from ${from} to ${to}.`,
    };
  }
  return { allowed: true };
}

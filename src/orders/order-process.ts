import { isAdmin, type AuthUser } from '../common/auth/roles';
import type { OrderErrorCode as ErrorCode } from './order.errors';

/**
 * The two order processes, as data: who may move an order from one status to another, and by
 * which route. Everything that changes an order's status asks `decide`: the status PATCH, a
 * delivery, a revision request, an accepted or expired cancellation request, a dispute's
 * resolution and the timers. A reader sees both lifecycles here at a glance.
 */
export const ORDER_PROCESSES = ['DIRECT', 'PROTECTED'] as const;
export type OrderProcess = (typeof ORDER_PROCESSES)[number];

export const ORDER_STATUSES = [
  'PENDING',
  'IN_PROGRESS',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type PartyRole = 'buyer' | 'seller';
/** Who makes a change: a party, or the platform by itself (a timer). */
export type Mover = PartyRole | 'platform';

/** The way a change is asked for: the route that makes it, or the timer. */
export type Via =
  /** PATCH /orders/{id}/status */
  | 'status'
  /** POST /orders/{id}/deliveries */
  | 'delivery'
  /** POST /orders/{id}/revision-requests */
  | 'revision'
  /** POST /orders/{id}/cancellation-requests/{requestId}/accept, by the other party */
  | 'cancellation'
  /** the auto-complete timer */
  | 'auto-complete'
  /** a cancellation request left unanswered for the cancellation window */
  | 'cancellation-expiry';

/** A condition on the order besides its status. */
export type Condition = 'revisionsLeft' | 'late';

export interface Step {
  from: readonly OrderStatus[];
  to: OrderStatus;
  via: Via;
  by: readonly Mover[];
  when?: Condition;
}

export interface Process {
  statuses: readonly OrderStatus[];
  steps: readonly Step[];
}

/** Why the platform changed an order by itself, as its status history says. */
export const PLATFORM_REASONS = ['AUTO_COMPLETED', 'CANCELLATION_EXPIRED'] as const;
export type PlatformReason = (typeof PLATFORM_REASONS)[number];

/** COMPLETED and CANCELLED end the lifecycle for the parties; an admin can still move them. */
export const FINAL_STATUSES: readonly OrderStatus[] = ['COMPLETED', 'CANCELLED'];

export const PROCESSES: Record<OrderProcess, Process> = {
  /** The seed lifecycle: the parties move the order themselves. */
  DIRECT: {
    statuses: ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
    steps: [
      { from: ['PENDING'], to: 'IN_PROGRESS', via: 'status', by: ['seller'] },
      { from: ['PENDING'], to: 'CANCELLED', via: 'status', by: ['buyer', 'seller'] },
      { from: ['IN_PROGRESS'], to: 'COMPLETED', via: 'status', by: ['seller', 'buyer'] },
      { from: ['IN_PROGRESS'], to: 'CANCELLED', via: 'status', by: ['buyer', 'seller'] },
    ],
  },
  /**
   * A delivery step, acceptance by the buyer (or by itself after `autoCompleteAfter`),
   * revisions, and cancellation by consent once work has started.
   */
  PROTECTED: {
    statuses: ORDER_STATUSES,
    steps: [
      { from: ['PENDING'], to: 'IN_PROGRESS', via: 'status', by: ['seller'] },
      { from: ['PENDING'], to: 'CANCELLED', via: 'status', by: ['buyer', 'seller'] },
      { from: ['IN_PROGRESS'], to: 'DELIVERED', via: 'delivery', by: ['seller'] },
      {
        from: ['DELIVERED'],
        to: 'IN_PROGRESS',
        via: 'revision',
        by: ['buyer'],
        when: 'revisionsLeft',
      },
      { from: ['DELIVERED'], to: 'COMPLETED', via: 'status', by: ['buyer'] },
      { from: ['DELIVERED'], to: 'COMPLETED', via: 'auto-complete', by: ['platform'] },
      {
        from: ['IN_PROGRESS', 'DELIVERED'],
        to: 'CANCELLED',
        via: 'cancellation',
        by: ['buyer', 'seller'],
      },
      {
        from: ['IN_PROGRESS', 'DELIVERED'],
        to: 'CANCELLED',
        via: 'cancellation-expiry',
        by: ['platform'],
      },
      { from: ['IN_PROGRESS'], to: 'CANCELLED', via: 'status', by: ['buyer'], when: 'late' },
    ],
  },
};

/** Where a refused party should go instead: the route named in the refusal's sentence. */
const ROUTE_OF: Record<Via, string> = {
  status: 'PATCH /orders/{id}/status',
  delivery: 'POST /orders/{id}/deliveries',
  revision: 'POST /orders/{id}/revision-requests',
  cancellation: 'POST /orders/{id}/cancellation-requests (the other party accepts it)',
  'auto-complete': 'nothing: it completes by itself',
  'cancellation-expiry': 'nothing: it is cancelled by itself',
};

/** What the order is, besides its status, for the steps that have a condition. */
export interface OrderFacts {
  process: OrderProcess;
  status: OrderStatus;
  revisionsLeft: number;
  isLate: boolean;
}

export interface Actor {
  isBuyer: boolean;
  isSeller: boolean;
  isAdmin: boolean;
  /** The platform acting by itself (a timer); never true for a request. */
  isPlatform?: boolean;
}

/** Who `user` is to the order, as `decide` weighs it. */
export const actorOf = (order: { buyerId: number; sellerId: number }, user: AuthUser): Actor => ({
  isBuyer: order.buyerId === user.id,
  isSeller: order.sellerId === user.id,
  isAdmin: isAdmin(user),
});

export const PLATFORM: Actor = {
  isBuyer: false,
  isSeller: false,
  isAdmin: false,
  isPlatform: true,
};

export type Decision = { allowed: true } | { allowed: false; code: ErrorCode; message: string };

const refuse = (code: ErrorCode, message: string): Decision => ({ allowed: false, code, message });

const moversOf = (actor: Actor): Mover[] => [
  ...(actor.isBuyer ? (['buyer'] as const) : []),
  ...(actor.isSeller ? (['seller'] as const) : []),
  ...(actor.isPlatform ? (['platform'] as const) : []),
];

const holds = (when: Condition | undefined, order: OrderFacts) =>
  when === undefined || (when === 'revisionsLeft' ? order.revisionsLeft > 0 : order.isLate);

/** The refusal of a step whose condition does not hold. */
const CONDITION_REFUSED: Record<Condition, () => Decision> = {
  revisionsLeft: () =>
    refuse(
      'ORDER_REVISIONS_EXHAUSTED',
      'This order has no revisions left: accept the delivery with PATCH /orders/{id}/status?status=COMPLETED, or ask to cancel with POST /orders/{id}/cancellation-requests.',
    ),
  late: () =>
    refuse(
      'ORDER_CANCELLATION_REQUEST_REQUIRED',
      'Work on a PROTECTED order has started and it is not late: ask the seller to agree with POST /orders/{id}/cancellation-requests.',
    ),
};

/**
 * Whether `actor` may move the order to `to` by `via`. The checks, in order: the same status;
 * an admin (any status of the order's process, by the status PATCH); a step that matches; a step
 * that another route makes (the sentence names it); a step for another party (403); else the
 * lifecycle does not have that change (409).
 */
export function decide(order: OrderFacts, to: OrderStatus, via: Via, actor: Actor): Decision {
  const { process, status: from } = order;
  const { statuses, steps } = PROCESSES[process];
  if (from === to) return refuse('ORDER_ALREADY_IN_STATUS', `The order is already ${to}.`);
  if (actor.isAdmin && via === 'status') {
    return statuses.includes(to)
      ? { allowed: true }
      : refuse(
          'ORDER_STATUS_NOT_IN_PROCESS',
          `A ${process} order has no ${to} status; its statuses are ${statuses.join(', ')}.`,
        );
  }
  const movers = moversOf(actor);
  const between = steps.filter((s) => s.from.includes(from) && s.to === to);
  const byRoute = between.filter((s) => s.via === via);
  const mine = byRoute.filter((s) => s.by.some((m) => movers.includes(m)));
  const permitted = mine.find((s) => holds(s.when, order));
  if (permitted) return { allowed: true };
  if (mine.length) return CONDITION_REFUSED[mine[0].when!]();

  const guided = guidance(order, to, via, movers);
  if (guided) return guided;

  const elsewhere = between.find((s) => s.via !== via && s.by.some((m) => movers.includes(m)));
  if (elsewhere) {
    return refuse(
      'ORDER_TRANSITION_NOT_ALLOWED',
      `A ${process} order moves from ${from} to ${to} by ${ROUTE_OF[elsewhere.via]}.`,
    );
  }
  const forOthers = byRoute.filter((s) => !s.by.includes('platform'));
  if (forOthers.length && !actor.isPlatform) {
    const who = [...new Set(forOthers.flatMap((s) => s.by))].join(' or ');
    return refuse(
      'ORDER_TRANSITION_FORBIDDEN',
      `Only the ${who} may move an order from ${from} to ${to}.`,
    );
  }
  const next = [...new Set(steps.filter((s) => s.from.includes(from)).map((s) => s.to))];
  return refuse(
    'ORDER_TRANSITION_NOT_ALLOWED',
    next.length
      ? `An order that is ${from} can only move to ${next.join(' or ')}, not ${to}.`
      : `The order is ${from}, which is final; it can no longer change status.`,
  );
}

/**
 * The refusals of a PROTECTED order that point a party to the way the process does what they
 * asked: a seller who tries to complete is told to deliver, a party who tries to cancel work in
 * progress is told to ask the other party, and so on. Each has its own code.
 */
function guidance(order: OrderFacts, to: OrderStatus, via: Via, movers: Mover[]): Decision | null {
  if (order.process !== 'PROTECTED' || via !== 'status') return null;
  const { status: from } = order;
  const seller = movers.includes('seller');
  const buyer = movers.includes('buyer');
  if (from === 'IN_PROGRESS' && (to === 'COMPLETED' || to === 'DELIVERED') && seller) {
    return refuse(
      'ORDER_DELIVERY_REQUIRED',
      'A PROTECTED order is completed by delivering it: post the work with POST /orders/{id}/deliveries; the buyer then accepts it, or it completes by itself.',
    );
  }
  if (from === 'IN_PROGRESS' && to === 'COMPLETED' && buyer) {
    return refuse(
      'ORDER_NOT_DELIVERED',
      'The seller has not delivered yet: a PROTECTED order can be accepted once it is DELIVERED.',
    );
  }
  if (from === 'DELIVERED' && to === 'COMPLETED' && seller) {
    return refuse(
      'ORDER_ACCEPTANCE_BY_BUYER',
      'The buyer accepts a delivery; unless they ask for changes, the order completes by itself at autoCompleteAt.',
    );
  }
  if (from === 'DELIVERED' && to === 'IN_PROGRESS' && buyer) {
    return refuse(
      'ORDER_REVISION_REQUEST_REQUIRED',
      'Ask for changes with POST /orders/{id}/revision-requests {reason}.',
    );
  }
  if ((from === 'IN_PROGRESS' || from === 'DELIVERED') && to === 'CANCELLED') {
    return refuse(
      'ORDER_CANCELLATION_REQUEST_REQUIRED',
      `Work on a PROTECTED order has started: ask the ${buyer ? 'seller' : 'buyer'} to agree with POST /orders/{id}/cancellation-requests.`,
    );
  }
  return null;
}

import {
  decide,
  ORDER_PROCESSES,
  ORDER_STATUSES,
  PLATFORM,
  PROCESSES,
  type Actor,
  type OrderFacts,
  type OrderProcess,
  type OrderStatus,
  type Mover,
  type Via,
} from './order-process';

const buyer: Actor = { isBuyer: true, isSeller: false, isAdmin: false };
const seller: Actor = { isBuyer: false, isSeller: true, isAdmin: false };
const admin: Actor = { isBuyer: false, isSeller: false, isAdmin: true };
const stranger: Actor = { isBuyer: false, isSeller: false, isAdmin: false };
const ACTORS = { buyer, seller, admin, stranger, platform: PLATFORM } as const;
type ActorName = keyof typeof ACTORS;
const VIAS: Via[] = [
  'status',
  'delivery',
  'revision',
  'cancellation',
  'auto-complete',
  'cancellation-expiry',
];

/**
 * Every change a process allows, written out independently of PROCESSES: process, from, to,
 * route, who, and the condition. The CONTRACT's two tables, row by row.
 */
const ALLOWED: [OrderProcess, OrderStatus, OrderStatus, Via, Mover, ('late' | 'revisions')?][] = [
  ['DIRECT', 'PENDING', 'IN_PROGRESS', 'status', 'seller'],
  ['DIRECT', 'PENDING', 'CANCELLED', 'status', 'buyer'],
  ['DIRECT', 'PENDING', 'CANCELLED', 'status', 'seller'],
  ['DIRECT', 'IN_PROGRESS', 'COMPLETED', 'status', 'seller'],
  ['DIRECT', 'IN_PROGRESS', 'COMPLETED', 'status', 'buyer'],
  ['DIRECT', 'IN_PROGRESS', 'CANCELLED', 'status', 'buyer'],
  ['DIRECT', 'IN_PROGRESS', 'CANCELLED', 'status', 'seller'],
  ['PROTECTED', 'PENDING', 'IN_PROGRESS', 'status', 'seller'],
  ['PROTECTED', 'PENDING', 'CANCELLED', 'status', 'buyer'],
  ['PROTECTED', 'PENDING', 'CANCELLED', 'status', 'seller'],
  ['PROTECTED', 'IN_PROGRESS', 'DELIVERED', 'delivery', 'seller'],
  ['PROTECTED', 'DELIVERED', 'IN_PROGRESS', 'revision', 'buyer', 'revisions'],
  ['PROTECTED', 'DELIVERED', 'COMPLETED', 'status', 'buyer'],
  ['PROTECTED', 'DELIVERED', 'COMPLETED', 'auto-complete', 'platform'],
  ['PROTECTED', 'IN_PROGRESS', 'CANCELLED', 'cancellation', 'buyer'],
  ['PROTECTED', 'IN_PROGRESS', 'CANCELLED', 'cancellation', 'seller'],
  ['PROTECTED', 'DELIVERED', 'CANCELLED', 'cancellation', 'buyer'],
  ['PROTECTED', 'DELIVERED', 'CANCELLED', 'cancellation', 'seller'],
  ['PROTECTED', 'IN_PROGRESS', 'CANCELLED', 'cancellation-expiry', 'platform'],
  ['PROTECTED', 'DELIVERED', 'CANCELLED', 'cancellation-expiry', 'platform'],
  ['PROTECTED', 'IN_PROGRESS', 'CANCELLED', 'status', 'buyer', 'late'],
];

const facts = (
  process: OrderProcess,
  status: OrderStatus,
  over: Partial<OrderFacts> = {},
): OrderFacts => ({ process, status, revisionsLeft: 1, isLate: false, ...over });

/** Whether the cell is allowed by the written-out table, given the order's conditions. */
function expected(
  process: OrderProcess,
  from: OrderStatus,
  to: OrderStatus,
  via: Via,
  who: ActorName,
  order: OrderFacts,
): boolean {
  if (from === to) return false;
  if (who === 'admin') return via === 'status' && PROCESSES[process].statuses.includes(to);
  return ALLOWED.some(
    ([p, f, t, v, a, when]) =>
      p === process &&
      f === from &&
      t === to &&
      v === via &&
      a === who &&
      (when === undefined || (when === 'late' ? order.isLate : order.revisionsLeft > 0)),
  );
}

describe('order processes', () => {
  it('gives DIRECT the seed statuses and PROTECTED the DELIVERED step as well', () => {
    expect(PROCESSES.DIRECT.statuses).toEqual(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED']);
    expect(PROCESSES.PROTECTED.statuses).toEqual(ORDER_STATUSES);
  });

  // Every (process, from, to, route, actor) cell, under each condition of the order.
  const conditions: Partial<OrderFacts>[] = [
    { revisionsLeft: 1, isLate: false },
    { revisionsLeft: 0, isLate: false },
    { revisionsLeft: 1, isLate: true },
  ];
  describe.each(ORDER_PROCESSES.map((p) => [p]))('%s', (process) => {
    const statuses = PROCESSES[process].statuses;
    it.each(statuses.map((from) => [from]))('from %s: every cell as the table says', (from) => {
      let cells = 0;
      let allowed = 0;
      for (const to of statuses) {
        for (const via of VIAS) {
          for (const who of Object.keys(ACTORS) as ActorName[]) {
            for (const condition of conditions) {
              const order = facts(process, from, condition);
              const decision = decide(order, to, via, ACTORS[who]);
              const want = expected(process, from, to, via, who, order);
              expect({ process, from, to, via, who, condition, allowed: decision.allowed }).toEqual(
                { process, from, to, via, who, condition, allowed: want },
              );
              cells++;
              if (want) allowed++;
            }
          }
        }
      }
      expect(cells).toBe(statuses.length * VIAS.length * 5 * conditions.length);
      // Final statuses allow nothing but an admin's change.
      if (from === 'COMPLETED' || from === 'CANCELLED') {
        expect(allowed).toBe((statuses.length - 1) * conditions.length);
      } else {
        expect(allowed).toBeGreaterThan((statuses.length - 1) * conditions.length);
      }
    });
  });

  it('lists every allowed row of the written-out table in PROCESSES', () => {
    for (const [process, from, to, via, who] of ALLOWED) {
      const step = PROCESSES[process].steps.find(
        (s) => s.from.includes(from) && s.to === to && s.via === via,
      );
      expect({ process, from, to, via, by: step?.by.includes(who) }).toEqual({
        process,
        from,
        to,
        via,
        by: true,
      });
    }
  });

  describe('refusals keep the DIRECT sentences and codes', () => {
    it.each([
      [
        'PENDING',
        'IN_PROGRESS',
        buyer,
        'ORDER_TRANSITION_FORBIDDEN',
        'Only the seller may move an order from PENDING to IN_PROGRESS.',
      ],
      [
        'PENDING',
        'COMPLETED',
        seller,
        'ORDER_TRANSITION_NOT_ALLOWED',
        'An order that is PENDING can only move to IN_PROGRESS or CANCELLED, not COMPLETED.',
      ],
      [
        'COMPLETED',
        'PENDING',
        buyer,
        'ORDER_TRANSITION_NOT_ALLOWED',
        'The order is COMPLETED, which is final; it can no longer change status.',
      ],
      [
        'IN_PROGRESS',
        'IN_PROGRESS',
        admin,
        'ORDER_ALREADY_IN_STATUS',
        'The order is already IN_PROGRESS.',
      ],
      [
        'IN_PROGRESS',
        'COMPLETED',
        stranger,
        'ORDER_TRANSITION_FORBIDDEN',
        'Only the seller or buyer may move an order from IN_PROGRESS to COMPLETED.',
      ],
    ] as const)('%s -> %s', (from, to, actor, code, message) => {
      expect(decide(facts('DIRECT', from), to, 'status', actor)).toEqual({
        allowed: false,
        code,
        message,
      });
    });

    it('refuses DELIVERED on a DIRECT order, to an admin too', () => {
      expect(decide(facts('DIRECT', 'IN_PROGRESS'), 'DELIVERED', 'status', admin)).toMatchObject({
        code: 'ORDER_STATUS_NOT_IN_PROCESS',
      });
      expect(decide(facts('DIRECT', 'IN_PROGRESS'), 'DELIVERED', 'status', seller)).toMatchObject({
        code: 'ORDER_TRANSITION_NOT_ALLOWED',
      });
    });
  });

  describe('a PROTECTED refusal names the route to use, each with its own code', () => {
    it.each([
      ['IN_PROGRESS', 'COMPLETED', 'status', seller, {}, 'ORDER_DELIVERY_REQUIRED', /deliveries/],
      ['IN_PROGRESS', 'DELIVERED', 'status', seller, {}, 'ORDER_DELIVERY_REQUIRED', /deliveries/],
      ['IN_PROGRESS', 'COMPLETED', 'status', buyer, {}, 'ORDER_NOT_DELIVERED', /DELIVERED/],
      ['DELIVERED', 'COMPLETED', 'status', seller, {}, 'ORDER_ACCEPTANCE_BY_BUYER', /by itself/],
      [
        'DELIVERED',
        'IN_PROGRESS',
        'status',
        buyer,
        {},
        'ORDER_REVISION_REQUEST_REQUIRED',
        /revision-requests/,
      ],
      [
        'DELIVERED',
        'IN_PROGRESS',
        'revision',
        buyer,
        { revisionsLeft: 0 },
        'ORDER_REVISIONS_EXHAUSTED',
        /no revisions left/,
      ],
      [
        'IN_PROGRESS',
        'CANCELLED',
        'status',
        buyer,
        {},
        'ORDER_CANCELLATION_REQUEST_REQUIRED',
        /ask the seller.*cancellation-requests/,
      ],
      [
        'IN_PROGRESS',
        'CANCELLED',
        'status',
        seller,
        { isLate: true },
        'ORDER_CANCELLATION_REQUEST_REQUIRED',
        /ask the buyer.*cancellation-requests/,
      ],
      [
        'DELIVERED',
        'CANCELLED',
        'status',
        buyer,
        { isLate: true },
        'ORDER_CANCELLATION_REQUEST_REQUIRED',
        /cancellation-requests/,
      ],
      [
        'DELIVERED',
        'IN_PROGRESS',
        'revision',
        seller,
        {},
        'ORDER_TRANSITION_FORBIDDEN',
        /Only the buyer/,
      ],
    ] as const)('%s -> %s by %s', (from, to, via, actor, over, code, sentence) => {
      const decision = decide(facts('PROTECTED', from, over), to, via, actor);
      expect(decision).toMatchObject({ allowed: false, code });
      expect(decision).toHaveProperty('message', expect.stringMatching(sentence));
    });

    it('lets the late buyer cancel work in progress alone, and no one else', () => {
      const late = facts('PROTECTED', 'IN_PROGRESS', { isLate: true });
      expect(decide(late, 'CANCELLED', 'status', buyer)).toEqual({ allowed: true });
      expect(decide(late, 'CANCELLED', 'status', seller).allowed).toBe(false);
    });
  });
});

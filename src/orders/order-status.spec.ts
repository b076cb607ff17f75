import {
  decideTransition,
  FINAL_STATUSES,
  ORDER_STATUSES,
  TRANSITIONS,
  type Actor,
  type OrderStatus,
  type PartyRole,
} from './order-status';

const buyer: Actor = { isBuyer: true, isSeller: false, isAdmin: false };
const seller: Actor = { isBuyer: false, isSeller: true, isAdmin: false };
const admin: Actor = { isBuyer: false, isSeller: false, isAdmin: true };
const actorFor: Record<PartyRole, Actor> = { buyer, seller };

const allPairs = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const),
);
const isListed = (from: OrderStatus, to: OrderStatus) =>
  TRANSITIONS.some((t) => t.from === from && t.to === to);

describe('order status transitions', () => {
  it('holds the lifecycle of the contract, and nothing else', () => {
    expect(TRANSITIONS.map((t) => [t.from, t.to, [...t.by].sort()])).toEqual([
      ['PENDING', 'IN_PROGRESS', ['seller']],
      ['PENDING', 'CANCELLED', ['buyer', 'seller']],
      ['IN_PROGRESS', 'COMPLETED', ['buyer', 'seller']],
      ['IN_PROGRESS', 'CANCELLED', ['buyer', 'seller']],
    ]);
    expect(FINAL_STATUSES).toEqual(['COMPLETED', 'CANCELLED']);
  });

  describe.each(TRANSITIONS.map((t) => [t.from, t.to, t.by] as const))(
    '%s -> %s',
    (from, to, by) => {
      it.each(by.map((role) => [role]))('is allowed for the %s', (role) => {
        expect(decideTransition(from, to, actorFor[role])).toEqual({ allowed: true });
      });

      const refused = (['buyer', 'seller'] as const).filter((role) => !by.includes(role));
      if (refused.length) {
        it.each(refused.map((role) => [role]))('is forbidden for the %s', (role) => {
          const decision = decideTransition(from, to, actorFor[role]);
          expect(decision).toMatchObject({ allowed: false, reason: 'forbidden' });
          expect(decision).toHaveProperty('message', expect.stringMatching(by.join(' or ')));
        });
      }

      it('is forbidden for someone who is neither party', () => {
        const stranger: Actor = { isBuyer: false, isSeller: false, isAdmin: false };
        expect(decideTransition(from, to, stranger)).toMatchObject({ reason: 'forbidden' });
      });
    },
  );

  it('lets only the seller start work, and refuses the buyer with a reason', () => {
    expect(decideTransition('PENDING', 'IN_PROGRESS', buyer)).toEqual({
      allowed: false,
      reason: 'forbidden',
      message: 'Only the seller may move an order from PENDING to IN_PROGRESS.',
    });
  });

  it.each([
    ['PENDING', 'COMPLETED'],
    ['IN_PROGRESS', 'PENDING'],
    ['COMPLETED', 'CANCELLED'],
    ['COMPLETED', 'PENDING'],
    ['COMPLETED', 'IN_PROGRESS'],
    ['CANCELLED', 'PENDING'],
    ['CANCELLED', 'IN_PROGRESS'],
    ['CANCELLED', 'COMPLETED'],
  ] as const)('refuses %s -> %s as illegal for both parties', (from, to) => {
    for (const actor of [buyer, seller]) {
      expect(decideTransition(from, to, actor)).toMatchObject({
        allowed: false,
        reason: 'illegal',
      });
    }
  });

  it('calls every unlisted pair illegal for the parties (illegal before forbidden)', () => {
    const unlisted = allPairs.filter(([f, t]) => !isListed(f, t));
    expect(unlisted.length).toBeGreaterThan(0);
    for (const [from, to] of unlisted) {
      expect(decideTransition(from, to, buyer)).toMatchObject({ reason: 'illegal' });
      expect(decideTransition(from, to, seller)).toMatchObject({ reason: 'illegal' });
    }
  });

  it('names the allowed next statuses in the message of an illegal move', () => {
    const decision = decideTransition('PENDING', 'COMPLETED', seller);
    expect(decision).toHaveProperty(
      'message',
      'An order that is PENDING can only move to IN_PROGRESS or CANCELLED, not COMPLETED.',
    );
  });

  it.each(FINAL_STATUSES.map((s) => [s]))('treats %s as final for the parties', (from) => {
    expect(TRANSITIONS.filter((t) => t.from === from)).toEqual([]);
    for (const to of ORDER_STATUSES.filter((s) => s !== from)) {
      for (const actor of [buyer, seller]) {
        const decision = decideTransition(from, to, actor);
        expect(decision).toMatchObject({ allowed: false, reason: 'illegal' });
        expect(decision).toHaveProperty('message', expect.stringMatching(/final/));
      }
    }
  });

  it.each(ORDER_STATUSES.map((s) => [s]))('refuses %s -> the same status to everyone', (s) => {
    for (const actor of [buyer, seller, admin]) {
      expect(decideTransition(s, s, actor)).toEqual({
        allowed: false,
        reason: 'same',
        message: `The order is already ${s}.`,
      });
    }
  });

  it.each(allPairs)('lets an admin move %s -> %s', (from, to) => {
    expect(decideTransition(from, to, admin)).toEqual({ allowed: true });
    expect(decideTransition(from, to, { ...admin, isBuyer: true })).toEqual({ allowed: true });
  });
});

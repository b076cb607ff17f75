import fc from 'fast-check';
import { ORDER_STATUSES, type OrderStatus } from '../orders/order-process';
import { entryState, splitPayment, splitReturn, type EntryFacts } from './earnings-process';

const NOW = new Date('2026-12-01T12:00:00Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const facts = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  orderStatus: 'COMPLETED',
  onHold: false,
  availableAt: at(-1),
  paid: false,
  ...over,
});

/** Fees as the payment computes them: round(total × percent / 100), half-up. */
const feeOf = (total: number, percentTimes100: number) =>
  Number((2n * BigInt(total) * BigInt(percentTimes100) + 10000n) / 20000n);

/** A payment (up to the 1,000,000.00 ceiling), a fee percent with two decimals, a refund list. */
const aPayment = fc
  .record({
    total: fc.integer({ min: 1, max: 100_000_000 }),
    percent: fc.integer({ min: 0, max: 10_000 }),
  })
  .map(({ total, percent }) => ({ totalCents: total, feeCents: feeOf(total, percent) }));

describe('earnings-process', () => {
  describe('entryState', () => {
    it.each<[string, Partial<EntryFacts>, string]>([
      [
        'pending while the order is not COMPLETED',
        { orderStatus: 'IN_PROGRESS', availableAt: null },
        'PENDING',
      ],
      ['clearing before availableAt', { availableAt: at(60_000) }, 'CLEARING'],
      ['available at availableAt exactly', { availableAt: at(0) }, 'AVAILABLE'],
      ['available after availableAt', { availableAt: at(-60_000) }, 'AVAILABLE'],
      ['held by an open dispute while clearing', { onHold: true, availableAt: at(60_000) }, 'HELD'],
      ['held by an open dispute once available', { onHold: true }, 'HELD'],
      [
        'held by an open dispute before completion',
        { onHold: true, orderStatus: 'DELIVERED', availableAt: null },
        'HELD',
      ],
      ['paid stays paid through a later dispute', { paid: true, onHold: true }, 'PAID'],
      [
        'paid stays paid when an admin reopens the order',
        { paid: true, orderStatus: 'IN_PROGRESS', availableAt: null },
        'PAID',
      ],
      [
        'pending when a completed order has no clearance date yet',
        { availableAt: null },
        'PENDING',
      ],
    ])('%s', (_name, over, state) => {
      expect(entryState(facts(over), NOW)).toBe(state);
    });

    it.each<OrderStatus>(ORDER_STATUSES.filter((s) => s !== 'COMPLETED'))(
      'is PENDING on a %s order, whatever its dates',
      (orderStatus) => {
        expect(entryState(facts({ orderStatus, availableAt: at(-1000) }), NOW)).toBe('PENDING');
      },
    );
  });

  describe('splitPayment', () => {
    it('gives the seller the total less the fee', () => {
      expect(splitPayment(10000, 1250)).toEqual({ sellerCents: 8750, platformFeeCents: 1250 });
    });

    it('always adds up to the total, both parts not negative', () => {
      fc.assert(
        fc.property(aPayment, ({ totalCents, feeCents }) => {
          const s = splitPayment(totalCents, feeCents);
          return (
            s.sellerCents + s.platformFeeCents === totalCents &&
            s.sellerCents >= 0 &&
            s.platformFeeCents >= 0
          );
        }),
      );
    });
  });

  describe('splitReturn', () => {
    it('gives back the fee in proportion, rounded half-up to the cent', () => {
      // 10.00 paid, 1.25 fee; 3.00 back: 1.25 × 3 / 10 = 0.375 -> 0.38.
      expect(splitReturn({ totalCents: 1000, feeCents: 125 }, 0, 300)).toEqual({
        sellerCents: -262,
        platformFeeCents: -38,
      });
      // Exactly half a cent rounds up: 1.00 fee × 0.50 / 2.00 = 0.25; 0.01 fee × 1 / 2 = 0.005.
      expect(splitReturn({ totalCents: 200, feeCents: 1 }, 0, 100)).toEqual({
        sellerCents: -99,
        platformFeeCents: -1,
      });
    });

    it('counts the proportion on the running total: three thirds give back the whole fee', () => {
      const p = { totalCents: 300, feeCents: 100 };
      const parts = [splitReturn(p, 0, 100), splitReturn(p, 100, 200), splitReturn(p, 200, 300)];
      expect(parts.map((s) => s.platformFeeCents)).toEqual([-33, -34, -33]);
      expect(parts.reduce((sum, s) => sum + s.sellerCents, 0)).toBe(-200);
    });

    it('for any payment and any refunds up to the total, the parts sum exactly', () => {
      const aCase = aPayment.chain((p) =>
        fc.record({
          p: fc.constant(p),
          refunds: fc.array(fc.integer({ min: 1, max: p.totalCents }), { maxLength: 6 }),
        }),
      );
      fc.assert(
        fc.property(aCase, ({ p, refunds }) => {
          let returned = 0;
          let seller = p.totalCents - p.feeCents;
          let fee = p.feeCents;
          for (const r of refunds) {
            const after = Math.min(p.totalCents, returned + r);
            if (after === returned) continue;
            const s = splitReturn(p, returned, after);
            // Each entry: both parts at most zero, and together exactly what went back.
            if (s.sellerCents > 0 || s.platformFeeCents > 0) return false;
            if (s.sellerCents + s.platformFeeCents !== -(after - returned)) return false;
            seller += s.sellerCents;
            fee += s.platformFeeCents;
            returned = after;
            // The invariant: seller entries + fee kept + refunded = total paid.
            if (seller + fee + returned !== p.totalCents) return false;
            // ECHO has given back exactly its proportion of the running total, rounded half-up:
            // k with fee × returned / total - 1/2 < k <= fee × returned / total + 1/2.
            const d =
              2n * BigInt(p.feeCents - fee) * BigInt(p.totalCents) -
              2n * BigInt(p.feeCents) * BigInt(returned);
            if (d <= -BigInt(p.totalCents) || d > BigInt(p.totalCents)) return false;
            if (seller < 0 || fee < 0) return false;
          }
          // A full refund leaves nothing to anyone.
          return returned < p.totalCents || (seller === 0 && fee === 0);
        }),
      );
    });
  });
});

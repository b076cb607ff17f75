import { formatCents, fromCents, isWholeCents, MAX_AMOUNT, toCents } from './money';

/** The decimal a client types for `cents`, e.g. 15007 -> 150.07, parsed as JSON would. */
const typed = (cents: number) =>
  Number(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);

describe('money', () => {
  describe('toCents and fromCents', () => {
    it.each([
      [150.07, 15007],
      [0.1, 10],
      [0.01, 1],
      [19.99, 1999],
      [1000000, 100000000],
      [0, 0],
    ])('%p is %p cents and back', (amount, cents) => {
      expect(toCents(amount)).toBe(cents);
      expect(fromCents(cents)).toBe(amount);
    });

    it('removes binary noise: 19.99 * 100 is 1998.9999999999998 in floating point', () => {
      expect(19.99 * 100).not.toBe(1999);
      expect(toCents(19.99)).toBe(1999);
      expect(toCents(0.29)).toBe(29);
    });

    it('round-trips every amount a client can type, up to 10,000.00 and near the maximum', () => {
      const misses: number[] = [];
      const check = (c: number) => {
        if (toCents(typed(c)) !== c || fromCents(c) !== typed(c)) misses.push(c);
      };
      for (let c = 0; c <= 1_000_000; c++) check(c);
      for (let c = MAX_AMOUNT * 100 - 10_000; c <= MAX_AMOUNT * 100; c++) check(c);
      expect(misses).toEqual([]);
    });
  });

  describe('isWholeCents', () => {
    it.each([150.07, 0.1, 0.01, 19.99, 1_000_000, 999_999.99, 0, 12.5])('%p is whole cents', (v) =>
      expect(isWholeCents(v)).toBe(true),
    );
    it.each([0.1 + 0.2, 1e-7, 0.001, 150.071, NaN, Infinity])('%p is not', (v) =>
      expect(isWholeCents(v)).toBe(false),
    );
  });

  describe('formatCents', () => {
    it.each([
      [15000, '150.00'],
      [15007, '150.07'],
      [5, '0.05'],
      [0, '0.00'],
      [100_000_000, '1000000.00'],
      [-250, '-2.50'],
    ])('%p cents reads %p', (cents, text) => {
      expect(formatCents(cents)).toBe(text);
    });
  });
});

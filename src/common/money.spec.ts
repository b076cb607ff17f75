import { fromCents, MAX_AMOUNT, percentOfCents, toCents } from './money';

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

  describe('percentOfCents', () => {
    it.each([
      [5, 10, 1], // 0.5 cent rounds up
      [1, 12.5, 0], // 0.125 cent rounds down
      [15, 10, 2], // 1.5 cents rounds up
      [14, 10, 1], // 1.4 cents rounds down
      [20, 2.5, 1], // 0.5 cent
      [19, 2.5, 0], // 0.475 cent
      [1000, 7.25, 73], // 72.5 cents
      [15007, 10, 1501], // 1500.7 cents
      [10000, 1.15, 115], // 1.15 * 100 is 114.99999999999999 in floating point
      [100000000, 10, 10000000],
      [12345, 0, 0],
      [12345, 100, 12345],
    ])('%p cents at %p%% is %p cents', (cents, percent, expected) => {
      expect(percentOfCents(cents, percent)).toBe(expected);
    });
  });
});

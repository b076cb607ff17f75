import type { OrderStatus } from '../orders/order-process';
import { decideStripeRefund, isOtherPaymentIntent, reviewOnRecording } from './payment-process';

const order = (finalPriceCents: number, status: OrderStatus = 'PENDING') => ({
  id: 12,
  finalPriceCents,
  status,
});

describe('payment-process', () => {
  describe('reviewOnRecording', () => {
    it.each<OrderStatus>(['PENDING', 'IN_PROGRESS', 'COMPLETED'])(
      'passes a payment of the exact price in EUR on a %s order',
      (status) => {
        expect(reviewOnRecording(order(10000, status), { cents: 10000, currency: 'EUR' })).toBe(
          null,
        );
      },
    );

    it.each([
      [15000, 'EUR', 'PENDING', 'Paid 150.00 EUR, but the order is for 100.00 EUR.'],
      [9999, 'EUR', 'PENDING', 'Paid 99.99 EUR, but the order is for 100.00 EUR.'],
      [10000, 'USD', 'COMPLETED', 'Paid 100.00 USD, but the order is for 100.00 EUR.'],
      [10000, 'EUR', 'CANCELLED', 'Order 12 was already CANCELLED when this payment arrived.'],
      [
        5,
        'JPY',
        'CANCELLED',
        'Paid 0.05 JPY, but the order is for 100.00 EUR. Order 12 was already CANCELLED when ' +
          'this payment arrived.',
      ],
    ] as const)('%p %s on a %s order of 100.00 EUR: %p', (cents, currency, status, reason) => {
      expect(reviewOnRecording(order(10000, status), { cents, currency })).toBe(reason);
    });
  });

  describe('decideStripeRefund', () => {
    const payment = { totalAmountCents: 10000, currency: 'EUR' };

    it.each([0, 1, 4000, 10000])("takes Stripe's total of %p cents as it is", (cents) => {
      expect(decideStripeRefund(payment, { cents, currency: 'EUR' })).toEqual({
        refundedCents: cents,
        reviewReason: null,
      });
    });

    it.each([
      [10001, '100.01 EUR'],
      [9_999_999_900, '99999999.00 EUR'],
    ])('caps %p cents at the total, for review', (cents, said) => {
      expect(decideStripeRefund(payment, { cents, currency: 'EUR' })).toEqual({
        refundedCents: 10000,
        reviewReason:
          `Stripe reports ${said} refunded, more than the 100.00 EUR of this payment; ` +
          'the refunded amount was set to the whole payment.',
      });
    });

    it('changes no amount for a refund in another currency, for review', () => {
      expect(decideStripeRefund(payment, { cents: 500, currency: 'USD' })).toEqual({
        refundedCents: null,
        reviewReason:
          'Stripe reports 5.00 USD refunded, but this payment is in EUR; the refunded amount ' +
          'was left as it was.',
      });
    });
  });

  describe('isOtherPaymentIntent', () => {
    it.each([
      ['pi_A', 'pi_B', true],
      ['pi_A', 'pi_A', false],
      ['pi_A', null, false],
      ['ch_A', 'pi_B', false],
      ['manual-7', 'pi_B', false],
    ])('%p recorded, charge of %p: %p', (stripeTxId, intentId, other) => {
      expect(isOtherPaymentIntent(stripeTxId, intentId)).toBe(other);
    });
  });
});

import type { OrderStatus } from '../orders/order-status';
import { reviewOnRecording } from './payment-process';

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
});

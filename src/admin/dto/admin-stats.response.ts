import { ApiProperty } from '@nestjs/swagger';

export class UserStats {
  @ApiProperty({ example: 10234 }) total!: number;
  @ApiProperty({ example: 10190 }) active!: number;
}

export class OrderStats {
  @ApiProperty({ example: 1000000 }) total!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { PENDING: 120, IN_PROGRESS: 340, COMPLETED: 900000, CANCELLED: 99540 },
    description: 'Orders per status; every status is present, 0 when none.',
  })
  byStatus!: Record<string, number>;
}

export class DisputeStats {
  @ApiProperty({ example: 12 }) open!: number;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-20T08:00:00.000Z' })
  oldestOpenSince!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 259200, description: 'In seconds.' })
  oldestOpenAgeSeconds!: number | null;
}

export class PaymentStats {
  @ApiProperty({ example: 30 }) days!: number;
  @ApiProperty({ example: 412 }) count!: number;
  @ApiProperty({ example: 61250.5, description: 'Sum of totalAmount.' }) totalAmount!: number;
  @ApiProperty({ example: 6125.05 }) platformFees!: number;
  @ApiProperty({ example: 300 }) refundedAmount!: number;
}

export class LedgerStats {
  @ApiProperty({ example: 30 }) days!: number;
  @ApiProperty({
    example: 6050.05,
    description:
      "ECHO's fees kept on the ledger's entries of these days: fees less those given back.",
  })
  feesKept!: number;
  @ApiProperty({ example: 300, description: 'Refunded to buyers in these days.' })
  refunded!: number;
  @ApiProperty({ example: 0, description: 'Taken back by lost chargebacks in these days.' })
  chargedBack!: number;
}

export class BalanceStats {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: 9800, description: "Sellers' earnings on orders not COMPLETED." })
  pending!: number;
  @ApiProperty({ example: 4100, description: 'Waiting for the clearance period.' })
  clearing!: number;
  @ApiProperty({ example: 850, description: 'Frozen by open disputes and chargebacks.' })
  held!: number;
  @ApiProperty({ example: 12040.5, description: 'Owed to sellers now: what payouts would pay.' })
  available!: number;
}

export class PayoutStats {
  @ApiProperty({ example: 30 }) days!: number;
  @ApiProperty({ example: 57 }) count!: number;
  @ApiProperty({ example: 48210.3 }) amount!: number;
}

export class AdminStatsResponse {
  @ApiProperty({ type: UserStats }) users!: UserStats;
  @ApiProperty({ type: OrderStats }) orders!: OrderStats;
  @ApiProperty({ type: DisputeStats }) disputes!: DisputeStats;
  @ApiProperty({ type: PaymentStats, description: 'Payments dated in the last 30 days.' })
  payments!: PaymentStats;
  @ApiProperty({ type: LedgerStats, description: 'The earnings ledger over the last 30 days.' })
  ledger!: LedgerStats;
  @ApiProperty({ type: BalanceStats, description: "Sellers' balances now, by state." })
  balances!: BalanceStats;
  @ApiProperty({ type: PayoutStats, description: 'Payouts of the last 30 days.' })
  payouts!: PayoutStats;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) generatedAt!: string;
}

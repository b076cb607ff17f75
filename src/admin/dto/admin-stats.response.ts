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

export class AdminStatsResponse {
  @ApiProperty({ type: UserStats }) users!: UserStats;
  @ApiProperty({ type: OrderStats }) orders!: OrderStats;
  @ApiProperty({ type: DisputeStats }) disputes!: DisputeStats;
  @ApiProperty({ type: PaymentStats, description: 'Payments dated in the last 30 days.' })
  payments!: PaymentStats;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) generatedAt!: string;
}

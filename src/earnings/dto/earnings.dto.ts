import { ApiProperty } from '@nestjs/swagger';
import {
  ENTRY_STATES,
  ENTRY_TYPES,
  EXECUTIONS,
  type EntryState,
  type EntryType,
  type Execution,
} from '../ledger-entry.entity';

const STATES_TEXT =
  'PENDING until the order is COMPLETED; CLEARING until availableAt (completion, or the ' +
  "payment if it came later, plus the marketplace's clearancePeriod); then AVAILABLE; HELD " +
  'while a dispute or a chargeback is OPEN on the order; PAID once a payout covers it.';

export class EarningsResponse {
  @ApiProperty({ example: 'EUR', description: 'Every amount below is in this currency.' })
  currency!: string;
  @ApiProperty({ example: 120.0, description: 'Earned on orders not COMPLETED yet.' })
  pending!: number;
  @ApiProperty({ example: 87.5, description: 'On COMPLETED orders, waiting for availableAt.' })
  clearing!: number;
  @ApiProperty({
    example: 40.0,
    description: 'Frozen while a dispute or chargeback is OPEN on the order.',
  })
  held!: number;
  @ApiProperty({
    example: 212.3,
    description:
      'What the next payout pays: cleared earnings less refunds and chargebacks not yet netted. ' +
      'Negative when refunds after a payout exceed what has cleared since.',
  })
  available!: number;
  @ApiProperty({ example: 1045.0, description: 'Paid out so far.' })
  paid!: number;
}

export class LedgerEntryResponse {
  @ApiProperty({ example: 31 }) id!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 12,
    description: 'null for a PAYOUT entry.',
  })
  orderId!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: null,
    description: 'The payout that paid this entry (for a PAYOUT entry: the payout it records).',
  })
  payoutId!: number | null;
  @ApiProperty({
    enum: ENTRY_TYPES,
    example: 'EARNING',
    description:
      'EARNING: your part of a payment. REFUND and CHARGEBACK: your part of money that went back ' +
      'to the buyer (ECHO gives back its fee in proportion). PAYOUT: money paid out to you ' +
      '(negative), or the money of a payout Stripe refused, given back (positive, AVAILABLE).',
  })
  type!: EntryType;
  @ApiProperty({
    example: 135.0,
    description: 'Yours, signed: refunds, chargebacks and payouts are negative.',
  })
  amount!: number;
  @ApiProperty({ example: 15.0, description: "ECHO's part of the same money, signed." })
  platformFee!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: ENTRY_STATES, example: 'CLEARING', description: STATES_TEXT })
  state!: EntryState;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-12-08T10:15:00.000Z',
    description: 'When it clears; null until the order is COMPLETED.',
  })
  availableAt!: string | null;
  @ApiProperty({
    enum: [...EXECUTIONS, null],
    nullable: true,
    example: null,
    description:
      'For a refund ECHO decided (dispute resolution): MANUAL when this server has no Stripe ' +
      "key and an operator makes the refund, until Stripe's charge.refunded reports a refunded " +
      'total that covers it (then SUCCEEDED); PENDING, SUCCEEDED or FAILED at Stripe otherwise. ' +
      'null when there is nothing for ECHO to move.',
  })
  execution!: Execution | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: "Stripe's id of the refund.",
  })
  externalRef!: string | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MinLength, IsIn } from 'class-validator';
import { IsMoney } from '../../common/money-property';
import { OrderIdAliasField, OrderIdField } from '../../common/order-id-alias';
import { MaxChars, trimString } from '../../common/text';
import {
  DISPUTE_KINDS,
  DISPUTE_STATUSES,
  type DisputeKind,
  type DisputeStatus,
} from '../dispute.entity';

export class CreateDisputeDto {
  @OrderIdField('The order the dispute is about.')
  orderId!: number;

  @OrderIdAliasField()
  order_id?: number;

  @ApiProperty({
    example:
      'The delivered files do not match the agreed specification. Three revisions were requested and none were addressed.',
    minLength: 1,
    maxLength: 500,
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxChars(500)
  reason!: string;
}

export class CreateDisputeMessageDto {
  @ApiProperty({
    example:
      'Attached are the original brief and the files that were delivered. The discrepancies are highlighted.',
    minLength: 1,
    maxLength: 5000,
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1, { message: 'message must not be empty' })
  @MaxChars(5000)
  message!: string;
}

export const DISPUTE_ORDER_OUTCOMES = ['COMPLETED', 'CANCELLED'] as const;
export type DisputeOrderOutcome = (typeof DISPUTE_ORDER_OUTCOMES)[number];

export class ResolveDisputeDto {
  @ApiProperty({
    example:
      'After reviewing the brief and deliverables, a partial refund of 50% has been issued. Both parties have been notified.',
    minLength: 1,
    maxLength: 5000,
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1, { message: 'resolution must not be empty' })
  @MaxChars(5000)
  resolution!: string;

  @ApiPropertyOptional({
    type: Number,
    example: 75.0,
    description:
      "Refund to record against the order's payment, in the same transaction as the close: " +
      'above 0, at most two decimals, and not more than what is left to refund (the total ' +
      'minus the refunds already decided by disputes). Omitted or null: no refund. A refund ' +
      'that Stripe reports (charge.refunded) is taken as the same money as the decisions it ' +
      "pays out: the payment's refundedAmount is the larger of the two, not their sum.",
    nullable: true,
  })
  @IsOptional()
  @IsMoney()
  refundAmount?: number | null;

  @ApiPropertyOptional({
    enum: DISPUTE_ORDER_OUTCOMES,
    description:
      "Moves the order to COMPLETED or CANCELLED in the same transaction as the close, as an admin's status change; omitted: the order stays as it is. An order already in that status, or whose process has no such status, is 409 and the dispute stays OPEN.",
  })
  @IsOptional()
  @IsIn(DISPUTE_ORDER_OUTCOMES, {
    message: `orderOutcome must be one of ${DISPUTE_ORDER_OUTCOMES.join(', ')}`,
  })
  orderOutcome?: DisputeOrderOutcome;
}

export class DisputeMessageResponse {
  @ApiProperty({ example: 17 }) id!: number;
  @ApiProperty({ example: 4 }) disputeId!: number;
  @ApiProperty({ example: 7 }) userId!: number;
  @ApiProperty({ example: 'lucia_buys' }) username!: string;
  @ApiProperty({ example: 'Attached are the original brief and the delivered files.' })
  message!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

export class DisputeResponse {
  @ApiProperty({ example: 4 }) id!: number;
  @ApiProperty({ example: 99 }) orderId!: number;
  @ApiProperty({
    enum: DISPUTE_KINDS,
    example: 'ORDER',
    description:
      'ORDER: opened by a party, resolved by an admin. CHARGEBACK: a card dispute that Stripe ' +
      "reported; it holds the seller's earnings on the order until Stripe's outcome closes it.",
  })
  kind!: DisputeKind;
  @ApiProperty({ type: Number, nullable: true, example: 7, description: 'null for a CHARGEBACK.' })
  createdByUserId!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'lucia_buys',
    description: 'null for a CHARGEBACK.',
  })
  createdByUsername!: string | null;
  @ApiProperty({ example: 'The delivered files do not match the agreed specification.' })
  reason!: string;
  @ApiProperty({ enum: DISPUTE_STATUSES, example: 'OPEN' }) status!: DisputeStatus;
  @ApiProperty({ type: String, nullable: true, description: 'null until an admin closes it.' })
  resolution!: string | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) closedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: "A CHARGEBACK's evidence deadline at Stripe; null for an ORDER dispute.",
  })
  dueBy!: string | null;
}

export class DisputeWithMessagesResponse extends DisputeResponse {
  @ApiProperty({ type: DisputeMessageResponse, isArray: true, description: 'Oldest first.' })
  messages!: DisputeMessageResponse[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { IsId } from '../../common/id-property';
import { isWholeCents, MARKETPLACE_CURRENCY } from '../../common/money';
import { IsMoney } from '../../common/money-property';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { MaxChars, trimString } from '../../common/text';
import { PAYMENT_STATUSES, type PaymentStatus } from '../payment.entity';

export class RecordPaymentDto {
  @ApiProperty({ example: 12 })
  @IsId()
  orderId!: number;

  @ApiProperty({
    example: 'pi_3PQ2sK2eZvKYlo2C1a2b3c4d',
    description: 'External transaction reference.',
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1, { message: 'stripeTxId must not be empty' })
  @MaxChars(255)
  stripeTxId!: string;

  @ApiProperty({
    example: 150.0,
    description:
      "The full amount charged to the buyer. Recorded even when it differs from the order's " +
      'finalPrice; the payment then carries needsReview and a reviewReason.',
  })
  @IsMoney()
  totalAmount!: number;

  @ApiPropertyOptional({
    example: MARKETPLACE_CURRENCY,
    default: MARKETPLACE_CURRENCY,
    description:
      `ISO 4217 code. Orders are priced in ${MARKETPLACE_CURRENCY}; a payment in another ` +
      'currency is recorded for review.',
  })
  @IsOptional()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code' })
  currency?: string;
}

export class PaymentSettingsDto {
  @ApiProperty({
    example: 12.5,
    minimum: 0,
    maximum: 100,
    description: 'The percentage of each payment kept by ECHO, at most two decimals.',
  })
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'platformFeePercent must be a number' },
  )
  @Min(0, { message: 'platformFeePercent must be between 0 and 100' })
  @Max(100, { message: 'platformFeePercent must be between 0 and 100' })
  @ValidateBy(
    {
      name: 'twoDecimals',
      validator: { validate: (v) => typeof v !== 'number' || isWholeCents(v) },
    },
    { message: 'platformFeePercent must have at most two decimals' },
  )
  platformFeePercent!: number;
}

export class PaymentSettingsResponse {
  @ApiProperty({ example: 10 }) platformFeePercent!: number;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) updatedAt!: string;
}

export class PaymentResponse {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({ example: 12 }) orderId!: number;
  @ApiProperty({ example: 'pi_3PQ2sK2eZvKYlo2C1a2b3c4d' }) stripeTxId!: string;
  @ApiProperty({ example: 150.0 }) totalAmount!: number;
  @ApiProperty({ example: 15.0, description: "ECHO's fee, fixed when the payment was recorded." })
  platformFee!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ enum: PAYMENT_STATUSES, example: 'SUCCEEDED' }) status!: PaymentStatus;
  @ApiProperty({
    example: 0,
    description:
      'What was refunded: the larger of the refunds decided by dispute resolution and the ' +
      "total Stripe reports having refunded (charge.refunded's amount_refunded), never above " +
      'totalAmount.',
  })
  refundedAmount!: number;
  @ApiProperty({
    example: 0,
    description:
      'What lost chargebacks took back (charge.dispute.closed, lost). refundedAmount plus ' +
      'chargebackAmount is never above totalAmount.',
  })
  chargebackAmount!: number;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) paymentDate!: string;
  @ApiProperty({
    example: true,
    description:
      "True when the payment does not match its order (an amount or currency other than the order's " +
      'finalPrice, or an order already CANCELLED when it arrived) or Stripe reported a refund ' +
      'that could not be applied as it came. Such a payment is recorded anyway: money moved.',
  })
  needsReview!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Paid 150.00 EUR, but the order is for 100.00 EUR.',
    description: 'What does not match, in sentences; null exactly when needsReview is false.',
  })
  reviewReason!: string | null;
}

/** `'true'` and `'false'` of a query string become booleans; anything else stays, for IsBoolean to refuse. */
const booleanFromQuery = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class PaymentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description:
      'true: the review queue, payments that need a person to look at them; false: the others. ' +
      'Omitted: every payment.',
  })
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean({ message: 'needsReview must be true or false' })
  needsReview?: boolean;
}

export class WebhookAckResponse {
  @ApiProperty({ example: true }) received!: boolean;
  @ApiProperty({
    example: 'recorded payment 3',
    description:
      'What the event did: `recorded payment N` or `recorded refund on payment N` (followed by ' +
      '`, needs review` when the payment was marked for review), `ignored: <why>`, or ' +
      '`duplicate event: nothing changed`.',
  })
  outcome!: string;
}

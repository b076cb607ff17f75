import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
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
import { isWholeCents } from '../../common/money';
import { IsMoney } from '../../common/money-property';
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

  @ApiProperty({ example: 150.0, description: 'The full amount charged to the buyer.' })
  @IsMoney()
  totalAmount!: number;

  @ApiPropertyOptional({ example: 'EUR', default: 'EUR', description: 'ISO 4217 code.' })
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
  @ApiProperty({ example: 0 }) refundedAmount!: number;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) paymentDate!: string;
}

export class WebhookAckResponse {
  @ApiProperty({ example: true }) received!: boolean;
  @ApiProperty({ example: 'recorded payment 3', description: 'What the event did.' })
  outcome!: string;
}

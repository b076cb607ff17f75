import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MinLength, ValidateIf } from 'class-validator';
import { IsId } from '../../common/id-property';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { MaxChars, trimString, trimToNull } from '../../common/text';
import { EXECUTIONS, type Execution } from '../../earnings/ledger-entry.entity';

export class CreatePayoutDto {
  @ApiProperty({ example: 7, description: 'The seller to pay everything AVAILABLE to.' })
  @IsId()
  sellerId!: number;
}

export class PayoutListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 7, description: "Only this seller's payouts." })
  @IsOptional()
  @IsId({ fromQuery: true })
  sellerId?: number;
}

export class PayoutAccountDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'acct_1Nv0FGQ9RKHgCVdK',
    description: "The seller's connected Stripe account; null removes it.",
  })
  @ValidateIf((_o, v) => v !== null)
  @Matches(/^acct_[A-Za-z0-9]{1,200}$/, {
    message: 'stripeAccountId must be a Stripe account id (acct_...) or null',
  })
  stripeAccountId!: string | null;
}

/** The outcomes an operator records for a payout made by hand. */
export const MANUAL_OUTCOMES = ['SUCCEEDED', 'FAILED'] as const;
export type ManualOutcome = (typeof MANUAL_OUTCOMES)[number];

export class RecordPayoutExecutionDto {
  @ApiProperty({
    enum: MANUAL_OUTCOMES,
    example: 'SUCCEEDED',
    description:
      "SUCCEEDED: the operator transferred the money by hand. FAILED: they could not; the payout's " +
      "money goes back to the seller's AVAILABLE balance, for the next payout.",
  })
  @IsIn(MANUAL_OUTCOMES, { message: 'execution must be SUCCEEDED or FAILED' })
  execution!: ManualOutcome;

  @ApiPropertyOptional({
    type: String,
    example: 'SEPA-2026-11-30-0042',
    maxLength: 255,
    description: "The transfer's reference at the bank or provider; required with SUCCEEDED.",
  })
  @ValidateIf((o: RecordPayoutExecutionDto) => o.execution === 'SUCCEEDED' || o.externalRef != null)
  @Transform(trimString)
  @IsString({ message: 'externalRef must be the reference of the transfer made by hand' })
  @MinLength(1, { message: 'externalRef must not be empty' })
  @MaxChars(255)
  externalRef?: string;

  @ApiPropertyOptional({
    type: String,
    example: "The seller's bank returned the transfer: account closed.",
    maxLength: 1000,
    description: 'Why the transfer failed; required with FAILED, optional with SUCCEEDED.',
  })
  @ValidateIf((o: RecordPayoutExecutionDto) => o.execution === 'FAILED' || o.note != null)
  @Transform(trimToNull)
  @IsString({ message: 'note must say why the transfer failed' })
  @MaxChars(1000)
  note?: string | null;
}

export class PayoutAccountResponse {
  @ApiProperty({ example: 7 }) sellerId!: number;
  @ApiProperty({ type: String, nullable: true, example: 'acct_1Nv0FGQ9RKHgCVdK' })
  stripeAccountId!: string | null;
}

export class PayoutResponse {
  @ApiProperty({ example: 5 }) id!: number;
  @ApiProperty({ example: 7 }) sellerId!: number;
  @ApiProperty({ example: 212.3, description: 'The sum of the entries it covers.' })
  amount!: number;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: 4, description: 'How many ledger entries it covers.' })
  entryCount!: number;
  @ApiProperty({
    enum: EXECUTIONS,
    example: 'MANUAL',
    description:
      'MANUAL: ECHO does not move this money (no Stripe key on this server, or no Stripe account ' +
      'for the seller; executionNote says which): an operator transfers it by hand. PENDING: a ' +
      "transfer to the seller's Stripe account is on its way. SUCCEEDED: Stripe made it, or an " +
      'operator recorded the transfer made by hand. FAILED: Stripe refused it or the operator ' +
      "could not make it (executionNote says why), and its money is back in the seller's " +
      'AVAILABLE balance, for the next payout.',
  })
  execution!: Execution;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      "Stripe's transfer (tr_...), once made, or the reference an operator recorded for a " +
      'transfer made by hand.',
  })
  externalRef!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example:
      'This server has no STRIPE_SECRET_KEY: transfer this payout to the seller by hand, outside ECHO.',
    description:
      "Why the payout is MANUAL or FAILED, or the operator's note on a transfer made by hand; " +
      'null otherwise.',
  })
  executionNote!: string | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

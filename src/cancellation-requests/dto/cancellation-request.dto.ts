import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MinLength } from 'class-validator';
import { MaxChars, trimString } from '../../common/text';
import {
  CANCELLATION_REQUEST_STATUSES,
  type CancellationRequestStatus,
} from '../cancellation-request.entity';

export class CreateCancellationRequestDto {
  @ApiProperty({
    example: 'The brief changed; we no longer need the cover.',
    minLength: 1,
    maxLength: 5000,
    description: 'Why. Trimmed; 1 to 5000 characters remain.',
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxChars(5000)
  reason!: string;
}

export class CancellationRequestResponse {
  @ApiProperty({ example: 3 }) id!: number;
  @ApiProperty({ example: 12 }) orderId!: number;
  @ApiProperty({ example: 7 }) requestedByUserId!: number;
  @ApiProperty({ example: 'The brief changed.' }) reason!: string;
  @ApiProperty({ enum: CANCELLATION_REQUEST_STATUSES, example: 'PENDING' })
  status!: CancellationRequestStatus;
  @ApiProperty({
    example: '2026-11-25T10:15:00.000Z',
    description:
      'When an unanswered request expires, which cancels the order: createdAt plus the marketplace cancellationWindow in force when it was made.',
  })
  respondBy!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) resolvedAt!: string | null;
}

import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MinLength } from 'class-validator';
import { MaxChars, trimString } from '../../common/text';

export class CreateDeliveryDto {
  @ApiProperty({
    example: 'Final files attached: cover in three sizes and the layered source.',
    minLength: 1,
    maxLength: 5000,
    description: 'What is delivered. Trimmed; 1 to 5000 characters remain.',
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1, { message: 'message must not be empty' })
  @MaxChars(5000)
  message!: string;
}

export class CreateRevisionRequestDto {
  @ApiProperty({
    example: 'Could the title be larger and the background darker?',
    minLength: 1,
    maxLength: 5000,
    description: 'What should change. Trimmed; 1 to 5000 characters remain.',
  })
  @Transform(trimString)
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxChars(5000)
  reason!: string;
}

export class DeliveryResponse {
  @ApiProperty({ example: 4 }) id!: number;
  @ApiProperty({ example: 12 }) orderId!: number;
  @ApiProperty({ example: 'Final files attached.' }) message!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

export class RevisionRequestResponse {
  @ApiProperty({ example: 2 }) id!: number;
  @ApiProperty({ example: 12 }) orderId!: number;
  @ApiProperty({ example: 'Could the title be larger?' }) reason!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { OrderIdAliasField, OrderIdField } from '../../common/order-id-alias';
import { IsScore } from '../../common/score-property';
import { MaxChars, trimToNull } from '../../common/text';

export class CreateReviewDto {
  @OrderIdField('The COMPLETED order being reviewed.')
  orderId!: number;

  @OrderIdAliasField()
  order_id?: number;

  @ApiProperty({ example: 4, minimum: 1, maximum: 5 })
  @IsScore()
  score!: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Great communication throughout. The final deliverable matched the brief closely.',
    maxLength: 2000,
  })
  @Transform(trimToNull)
  @IsOptional()
  @IsString()
  @MaxChars(2000)
  comment?: string | null;
}

export class ReviewResponse {
  @ApiProperty({ example: 31 }) id!: number;
  @ApiProperty({ example: 99 }) orderId!: number;
  @ApiProperty({ example: 7, description: 'The buyer who wrote it.' }) authorId!: number;
  @ApiProperty({ example: 'lucia_buys' }) authorUsername!: string;
  @ApiProperty({ example: 3, description: 'The creator it is about.' }) reviewedUserId!: number;
  @ApiProperty({ example: 4 }) score!: number;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

export class ScoreDistribution {
  @ApiProperty({ example: 0 }) '1'!: number;
  @ApiProperty({ example: 1 }) '2'!: number;
  @ApiProperty({ example: 3 }) '3'!: number;
  @ApiProperty({ example: 10 }) '4'!: number;
  @ApiProperty({ example: 20 }) '5'!: number;
}

export class UserAverageResponse {
  @ApiProperty({ example: 3 }) userId!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 4.4,
    description: 'Rounded to one decimal; null when there are no reviews.',
  })
  average!: number | null;
  @ApiProperty({ example: 34 }) count!: number;
  @ApiProperty({ type: ScoreDistribution }) distribution!: ScoreDistribution;
}

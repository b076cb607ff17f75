import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { IsId } from '../../common/id-property';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsScore } from '../../common/score-property';
import { MaxChars, trimToNull } from '../../common/text';
import { TARGET_TYPES, type TargetType } from '../venue-event-review.entity';

const targetTypeMessage = 'targetType must be VENUE or EVENT';

export class CreateVenueReviewDto {
  @ApiProperty({ example: 2 })
  @IsId()
  targetId!: number;

  @ApiProperty({ enum: TARGET_TYPES, example: 'VENUE' })
  @IsIn(TARGET_TYPES, { message: targetTypeMessage })
  targetType!: TargetType;

  @ApiProperty({ example: 5, minimum: 1, maximum: 5 })
  @IsScore()
  score!: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Great sound, friendly staff.',
    maxLength: 2000,
  })
  @Transform(trimToNull)
  @IsOptional()
  @IsString()
  @MaxChars(2000)
  comment?: string | null;
}

export class TargetQueryDto {
  @ApiProperty({ example: 2 })
  @IsId({ fromQuery: true })
  targetId!: number;

  @ApiProperty({ enum: TARGET_TYPES, example: 'VENUE' })
  @IsIn(TARGET_TYPES, { message: targetTypeMessage })
  targetType!: TargetType;
}

export class TargetPageQueryDto extends IntersectionType(PageQueryDto, TargetQueryDto) {}

export class VenueReviewResponse {
  @ApiProperty({ example: 8 }) id!: number;
  @ApiProperty({ example: 7 }) authorId!: number;
  @ApiProperty({ example: 'lucia_buys' }) authorUsername!: string;
  @ApiProperty({ example: 2 }) targetId!: number;
  @ApiProperty({ enum: TARGET_TYPES, example: 'VENUE' }) targetType!: TargetType;
  @ApiProperty({ example: 5 }) score!: number;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
}

export class TargetAverageResponse {
  @ApiProperty({ example: 2 }) targetId!: number;
  @ApiProperty({ enum: TARGET_TYPES, example: 'VENUE' }) targetType!: TargetType;
  @ApiProperty({ type: Number, nullable: true, example: 4.5 }) average!: number | null;
  @ApiProperty({ example: 12 }) count!: number;
}

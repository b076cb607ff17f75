import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { IsId } from '../../common/id-property';
import { IsOmittable } from '../../common/omittable';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { MaxChars, trimString } from '../../common/text';

const Title = () =>
  applyDecorators(
    Transform(trimString),
    IsString(),
    MinLength(1, { message: 'title must not be empty' }),
    MaxChars(200),
  );
const Description = () =>
  applyDecorators(IsOptional(), Transform(trimString), IsString(), MaxChars(5000));
const Moment = (field: string) => {
  const message = `${field} must be an ISO 8601 date-time with a time zone, such as 2026-12-31T20:00:00Z`;
  return applyDecorators(
    IsISO8601({ strict: true, strictSeparator: true }, { message }),
    // Only the extended calendar form with an offset: ISO 8601 also allows week, ordinal and
    // basic forms (2026-W01-1, 20261231T2000Z) that JavaScript's Date cannot read.
    Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/, { message }),
  );
};

export class CreateEventDto {
  @ApiProperty({ example: 2 })
  @IsId()
  venueId!: number;

  @ApiProperty({ example: 'Winter showcase', maxLength: 200 })
  @Title()
  title!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @Description()
  description?: string | null;

  @ApiProperty({ example: '2026-12-31T20:00:00Z' })
  @Moment('startDate')
  startDate!: string;

  @ApiProperty({ example: '2026-12-31T23:30:00Z', description: 'Not before startDate.' })
  @Moment('endDate')
  endDate!: string;
}

export class UpdateEventDto {
  @ApiPropertyOptional({ type: String, maxLength: 200 })
  @IsOmittable()
  @Title()
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @Description()
  description?: string | null;

  @ApiPropertyOptional({ type: String, example: '2026-12-31T20:00:00Z' })
  @IsOmittable()
  @Moment('startDate')
  startDate?: string;

  @ApiPropertyOptional({ type: String, example: '2026-12-31T23:30:00Z' })
  @IsOmittable()
  @Moment('endDate')
  endDate?: string;
}

export class EventListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Number, description: 'Only the events at this venue.' })
  @IsOptional()
  @IsId({ fromQuery: true })
  venueId?: number;
}

export class EventResponse {
  @ApiProperty({ example: 11 }) id!: number;
  @ApiProperty({ example: 2 }) venueId!: number;
  @ApiProperty({ example: 4 }) creatorId!: number;
  @ApiProperty({ example: 'Winter showcase' }) title!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ example: '2026-12-31T20:00:00.000Z' }) startDate!: string;
  @ApiProperty({ example: '2026-12-31T23:30:00.000Z' }) endDate!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) updatedAt!: string;
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { IsId } from '../../common/id-property';
import { IsOmittable } from '../../common/omittable';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { MaxChars, trimString } from '../../common/text';

const Text = (max: number, field: string) =>
  applyDecorators(
    Transform(trimString),
    IsString(),
    MinLength(1, { message: `${field} must not be empty` }),
    MaxChars(max),
  );
const OptionalText = (max: number) =>
  applyDecorators(IsOptional(), Transform(trimString), IsString(), MaxChars(max));
const Capacity = () =>
  applyDecorators(
    IsOptional(),
    IsInt({ message: 'capacity must be a whole number of people' }),
    Min(1),
    Max(1_000_000),
  );

export class CreateVenueDto {
  @ApiProperty({ example: 'Sala Apolo', maxLength: 200 })
  @Text(200, 'name')
  name!: string;

  @ApiProperty({ example: 'Carrer Nou de la Rambla 113', maxLength: 500 })
  @Text(500, 'address')
  address!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Barcelona', maxLength: 100 })
  @OptionalText(100)
  city?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 900,
    minimum: 1,
    maximum: 1_000_000,
  })
  @Capacity()
  capacity?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @OptionalText(5000)
  description?: string | null;
}

export class UpdateVenueDto {
  @ApiPropertyOptional({ type: String, maxLength: 200 })
  @IsOmittable()
  @Text(200, 'name')
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 500 })
  @IsOmittable()
  @Text(500, 'address')
  address?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100 })
  @OptionalText(100)
  city?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: 1_000_000 })
  @Capacity()
  capacity?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @OptionalText(5000)
  description?: string | null;
}

export class VenueListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Number, description: 'Only the venues run by this manager.' })
  @IsOptional()
  @IsId({ fromQuery: true })
  managerId?: number;
}

export class VenueResponse {
  @ApiProperty({ example: 2 }) id!: number;
  @ApiProperty({ example: 4 }) managerId!: number;
  @ApiProperty({ example: 'Sala Apolo' }) name!: string;
  @ApiProperty({ example: 'Carrer Nou de la Rambla 113' }) address!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Barcelona' }) city!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 900 }) capacity!: number | null;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) updatedAt!: string;
}

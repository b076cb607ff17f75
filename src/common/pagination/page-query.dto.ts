import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { digitsToNumber } from '../id-property';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** `?limit=&cursor=` of every list. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @Transform(digitsToNumber)
  @IsInt({ message: 'limit must be an integer between 1 and 200' })
  @Min(1, { message: 'limit must be an integer between 1 and 200' })
  @Max(MAX_LIMIT, { message: 'limit must be an integer between 1 and 200' })
  limit: number = DEFAULT_LIMIT;

  @ApiPropertyOptional({
    description: 'The X-Next-Cursor value of the previous page, passed back unchanged.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

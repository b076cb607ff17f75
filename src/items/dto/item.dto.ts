import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { IsId } from '../../common/id-property';
import { IsMoney } from '../../common/money-property';
import { IsOmittable } from '../../common/omittable';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { MaxChars, trimString } from '../../common/text';
import { ORDER_PROCESSES, type OrderProcess } from '../../orders/order-process';
import { ITEM_TYPES, type ItemType } from '../item-type';

const Title = () =>
  applyDecorators(
    Transform(trimString),
    IsString(),
    MinLength(1, { message: 'title must not be empty' }),
    MaxChars(200),
  );
const Description = () =>
  applyDecorators(IsOptional(), Transform(trimString), IsString(), MaxChars(5000));
// One rule for every amount a client sends (common/money-property.ts); class-validator's own
// maxDecimalPlaces throws on exponent forms such as 1e-7, which became a 500.
const BasePrice = () => applyDecorators(IsOptional(), IsMoney());
const Type = () =>
  IsIn(ITEM_TYPES, { message: `itemType must be one of ${ITEM_TYPES.join(', ')}` });
const Process = () =>
  IsIn(ORDER_PROCESSES, { message: `process must be one of ${ORDER_PROCESSES.join(', ')}` });
const wholeNumber = (field: string, min: number, max: number) => {
  const message = `${field} must be an integer from ${min} to ${max}`;
  return applyDecorators(IsInt({ message }), Min(min, { message }), Max(max, { message }));
};
const DeliveryDays = () => applyDecorators(IsOptional(), wholeNumber('deliveryDays', 1, 365));
const RevisionsIncluded = () => wholeNumber('revisionsIncluded', 0, 20);

const PROCESS_DOC = {
  enum: ORDER_PROCESSES,
  description:
    'How orders of this listing run: DIRECT (the parties move the order themselves) or PROTECTED (delivery, revisions, acceptance by the buyer or by itself, cancellation by consent). Omitted: the marketplace default (GET /marketplace/settings). Orders copy it when they are placed.',
};
const DELIVERY_DAYS_DOC = {
  type: Number,
  nullable: true,
  minimum: 1,
  maximum: 365,
  example: 7,
  description: "Days from placement to the order's dueAt; null: no due date.",
};
const REVISIONS_DOC = {
  type: Number,
  minimum: 0,
  maximum: 20,
  example: 1,
  description: 'Revision requests a buyer may make on a PROTECTED order (default 1).',
};

export class CreateItemDto {
  @ApiProperty({ example: 'Album cover illustration', minLength: 1, maxLength: 200 })
  @Title()
  title!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Hand-drawn cover art, two revisions included.',
    maxLength: 5000,
  })
  @Description()
  description?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 150.0,
    description: 'Suggested price: at most two decimals, above 0 and up to 1,000,000.',
  })
  @BasePrice()
  basePrice?: number | null;

  @ApiProperty({ enum: ITEM_TYPES, example: 'SERVICE' })
  @Type()
  itemType!: ItemType;

  @ApiPropertyOptional(PROCESS_DOC)
  @IsOptional()
  @Process()
  process?: OrderProcess;

  @ApiPropertyOptional(DELIVERY_DAYS_DOC)
  @DeliveryDays()
  deliveryDays?: number | null;

  @ApiPropertyOptional(REVISIONS_DOC)
  @IsOptional()
  @RevisionsIncluded()
  revisionsIncluded?: number;
}

/** Every field optional; title, itemType, process and revisionsIncluded cannot be null. */
export class UpdateItemDto {
  @ApiPropertyOptional({
    type: String,
    example: 'Album cover illustration',
    minLength: 1,
    maxLength: 200,
  })
  @IsOmittable()
  @Title()
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @Description()
  description?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 175.5 })
  @BasePrice()
  basePrice?: number | null;

  @ApiPropertyOptional({ enum: ITEM_TYPES })
  @IsOmittable()
  @Type()
  itemType?: ItemType;

  @ApiPropertyOptional({ ...PROCESS_DOC, description: 'Placed orders keep theirs.' })
  @IsOmittable()
  @Process()
  process?: OrderProcess;

  @ApiPropertyOptional(DELIVERY_DAYS_DOC)
  @DeliveryDays()
  deliveryDays?: number | null;

  @ApiPropertyOptional(REVISIONS_DOC)
  @IsOmittable()
  @RevisionsIncluded()
  revisionsIncluded?: number;
}

export class ItemListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Number, description: 'Only the listings of this creator.' })
  @IsOptional()
  @IsId({ fromQuery: true })
  creatorId?: number;
}

export class ItemResponse {
  @ApiProperty({ example: 5 }) id!: number;
  @ApiProperty({ example: 3 }) creatorId!: number;
  @ApiProperty({ example: 'Album cover illustration' }) title!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 150.0 }) basePrice!: number | null;
  @ApiProperty({ enum: ITEM_TYPES }) itemType!: ItemType;
  @ApiProperty({ enum: ORDER_PROCESSES, example: 'DIRECT' }) process!: OrderProcess;
  @ApiProperty({ type: Number, nullable: true, example: 7 }) deliveryDays!: number | null;
  @ApiProperty({ example: 1 }) revisionsIncluded!: number;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) updatedAt!: string;
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Expose, Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { IsId } from './id-property';

/** `order_id`, as the product guides write it, is read when `orderId` itself is absent. */
const orderIdOrAlias = ({ obj }: { obj: Record<string, unknown> }): unknown =>
  obj.orderId !== undefined ? obj.orderId : obj.order_id;

/** The `orderId` of a request body, also filled from its snake_case alias. */
export const OrderIdField = (description: string) =>
  applyDecorators(
    ApiProperty({ example: 99, description: `${description} \`order_id\` is accepted too.` }),
    Expose(), // so the transform runs even when only the alias was sent
    Transform(orderIdOrAlias),
    IsId(),
  );

/**
 * The snake_case alias itself: allowed (not an unknown field) and validated. When both
 * spellings are sent they must agree, rather than one silently winning.
 */
export const OrderIdAliasField = () =>
  applyDecorators(
    ApiPropertyOptional({ example: 99, description: 'Alias of orderId.' }),
    IsOptional(),
    IsId(),
    ValidateBy(
      {
        name: 'agreesWithOrderId',
        validator: {
          validate: (value: unknown, args) =>
            value === (args?.object as { orderId?: unknown }).orderId,
        },
      },
      { message: 'orderId and order_id are two names for one field; send one, or the same value' },
    ),
  );

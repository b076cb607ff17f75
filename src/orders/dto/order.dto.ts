import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsId } from '../../common/id-property';
import { IsMoney } from '../../common/money-property';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import {
  ORDER_PROCESSES,
  ORDER_STATUSES,
  PLATFORM_REASONS,
  type OrderProcess,
  type PlatformReason,
  type OrderStatus,
  type PartyRole,
} from '../order-process';

const statusMessage = `status must be one of ${ORDER_STATUSES.join(', ')}`;

export class CreateOrderDto {
  @ApiProperty({ example: 5, description: 'The listing to order.' })
  @IsId()
  itemId!: number;

  @ApiPropertyOptional({
    type: Number,
    example: 150.0,
    nullable: true,
    description:
      "The agreed price: above 0, at most 1,000,000, at most two decimals. Omitted or null: the listing's basePrice.",
  })
  @IsOptional()
  @IsMoney()
  finalPrice?: number | null;
}

export class OrderListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES, description: 'Only orders in this status.' })
  @IsOptional()
  @IsIn(ORDER_STATUSES, { message: statusMessage })
  status?: OrderStatus;

  @ApiPropertyOptional({
    enum: ['buyer', 'seller'],
    description: 'Only orders where the caller is the buyer, or the seller. Default: both.',
  })
  @IsOptional()
  @IsIn(['buyer', 'seller'], { message: 'role must be buyer or seller' })
  role?: PartyRole;
}

export class ChangeStatusQueryDto {
  @ApiProperty({ enum: ORDER_STATUSES, example: 'IN_PROGRESS' })
  @IsIn(ORDER_STATUSES, { message: statusMessage })
  status!: OrderStatus;
}

export class OrderResponse {
  @ApiProperty({ example: 12 }) id!: number;
  @ApiProperty({ example: 7, description: 'The user who placed the order.' }) buyerId!: number;
  @ApiProperty({ example: 3, description: 'The creator of the ordered listing.' })
  sellerId!: number;
  @ApiProperty({ example: 5 }) itemId!: number;
  @ApiProperty({ example: 150.0, description: 'The agreed price.' }) finalPrice!: number;
  @ApiProperty({ enum: ORDER_STATUSES, example: 'PENDING' }) status!: OrderStatus;
  @ApiProperty({ example: false, description: 'True while a dispute on the order is OPEN.' })
  hasOpenDispute!: boolean;
  @ApiProperty({
    example: 2,
    description:
      'Messages from the other side the caller has not marked read (POST .../messages/read). In a live event, it is the count of the user who made the change.',
  })
  unreadCount!: number;
  @ApiProperty({
    enum: ORDER_PROCESSES,
    example: 'DIRECT',
    description: 'Copied from the listing.',
  })
  process!: OrderProcess;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-30T10:15:00.000Z',
    description: "Placement plus the listing's deliveryDays; null when it has none.",
  })
  dueAt!: string | null;
  @ApiProperty({ example: false, description: 'Not yet delivered (nor finished) and past dueAt.' })
  isLate!: boolean;
  @ApiProperty({
    example: 1,
    description: 'Revision requests the buyer may still make (PROTECTED).',
  })
  revisionsLeft!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'The last delivery (PROTECTED); null before the first.',
  })
  deliveredAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'When a DELIVERED order completes by itself (PROTECTED); null otherwise and while a dispute is open.',
  })
  autoCompleteAt!: string | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) updatedAt!: string;
}

export class OrderHistoryEntryResponse {
  @ApiProperty({ enum: ORDER_STATUSES, example: 'IN_PROGRESS' }) status!: OrderStatus;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 3,
    description: 'Who made the change; null when the platform made it by itself (see reason).',
  })
  changedByUserId!: number | null;
  @ApiProperty({
    // null is listed too: OpenAPI 3.0 asks a nullable enum to name it.
    enum: [...PLATFORM_REASONS, null],
    nullable: true,
    example: null,
    description: "Why the platform made the change; null for a person's change.",
  })
  reason!: PlatformReason | null;
  @ApiProperty({ example: '2026-11-23T10:15:00.000Z' }) changedAt!: string;
}

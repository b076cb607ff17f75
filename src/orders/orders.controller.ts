import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { RequireParty } from '../common/access/access.guard';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import {
  ChangeStatusQueryDto,
  CreateOrderDto,
  OrderHistoryEntryResponse,
  OrderListQueryDto,
  OrderResponse,
} from './dto/order.dto';
import { ORDER_PARTIES } from './order.access';
import { OrdersService } from './orders.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

const ORDER_ID = ApiParam({ name: 'id', description: 'Order id (positive integer).', example: 12 });

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  @ApiOperation({ summary: "The caller's orders, as buyer or seller, newest first" })
  @ApiPage(OrderResponse, 'Orders where the caller is the buyer or the seller, newest first.')
  @ApiErrors(400, 401)
  list(@CurrentUser() user: AuthUser, @Query() query: OrderListQueryDto) {
    return this.orders.list(user, query);
  }

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Order a listing',
    description:
      "The caller is the buyer; the listing's creator is the seller. Starts PENDING. Without " +
      "finalPrice the listing's basePrice is used. Ordering one's own listing is refused (400).",
  })
  @ApiCreatedResponse({ type: OrderResponse })
  @ApiErrors(400, 401, 404)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateOrderDto): Promise<OrderResponse> {
    return this.orders.create(user, dto);
  }

  @Get(':id')
  @RequireParty(ORDER_PARTIES, { param: 'id', admin: true })
  @ORDER_ID
  @ApiOperation({ summary: 'One order (its buyer, its seller, or an admin)' })
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(400, 401, 403, 404)
  get(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: number): Promise<OrderResponse> {
    return this.orders.get(user, id);
  }

  @Patch(':id/status')
  @RequireParty(ORDER_PARTIES, { param: 'id', admin: true })
  @ORDER_ID
  @ApiOperation({
    summary: 'Move an order along its lifecycle',
    description:
      'PENDING → IN_PROGRESS (seller); PENDING → CANCELLED (buyer or seller); IN_PROGRESS → ' +
      'COMPLETED (seller or buyer); IN_PROGRESS → CANCELLED (buyer or seller). COMPLETED and ' +
      'CANCELLED are final for the parties. An admin may set any status. A change not allowed ' +
      'from the current status is 409; a party without the right is 403.',
  })
  @ApiOkResponse({ type: OrderResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  changeStatus(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Query() query: ChangeStatusQueryDto,
  ): Promise<OrderResponse> {
    return this.orders.changeStatus(user, id, query.status);
  }

  @Get(':id/history')
  @RequireParty(ORDER_PARTIES, { param: 'id', admin: true })
  @ORDER_ID
  @ApiOperation({ summary: 'Every status the order has had, oldest first' })
  @ApiPage(OrderHistoryEntryResponse, 'Status changes, oldest first.')
  @ApiErrors(400, 401, 403, 404)
  history(@Param('id', ParseIdPipe) id: number, @Query() query: PageQueryDto) {
    return this.orders.history(id, query);
  }
}

import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { RequireParty } from '../common/access/access.guard';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ORDER_PARTIES } from '../orders/order.access';
import { DeliveriesService } from './deliveries.service';
import {
  CreateDeliveryDto,
  CreateRevisionRequestDto,
  DeliveryResponse,
  RevisionRequestResponse,
} from './dto/delivery.dto';

const ORDER_ID = ApiParam({ name: 'orderId', description: 'Order id.', example: 12 });

@ApiTags('order deliveries')
@ApiBearerAuth()
@Controller('orders/:orderId')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Post('deliveries')
  @Idempotent()
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: false })
  @ORDER_ID
  @ApiOperation({
    summary: 'Deliver a PROTECTED order (its seller)',
    description:
      'IN_PROGRESS -> DELIVERED. deliveredAt is set, and autoCompleteAt: the order completes by itself after the marketplace autoCompleteAfter unless the buyer accepts it (PATCH status=COMPLETED) or asks for changes first. A DIRECT order, or one that is not IN_PROGRESS, is 409; the buyer is 403.',
  })
  @ApiCreatedResponse({ type: DeliveryResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  deliver(
    @CurrentUser() user: AuthUser,
    @Param('orderId', ParseIdPipe) orderId: number,
    @Body() dto: CreateDeliveryDto,
  ): Promise<DeliveryResponse> {
    return this.deliveries.deliver(user, orderId, dto.message);
  }

  @Get('deliveries')
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: true })
  @ORDER_ID
  @ApiOperation({ summary: "An order's deliveries, oldest first (its parties or an admin)" })
  @ApiPage(DeliveryResponse, 'Deliveries, oldest first.')
  @ApiErrors(400, 401, 403, 404)
  listDeliveries(@Param('orderId', ParseIdPipe) orderId: number, @Query() query: PageQueryDto) {
    return this.deliveries.listDeliveries(orderId, query);
  }

  @Post('revision-requests')
  @Idempotent()
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: false })
  @ORDER_ID
  @ApiOperation({
    summary: 'Ask for changes to a delivery (the buyer of a PROTECTED order)',
    description:
      'DELIVERED -> IN_PROGRESS while revisionsLeft > 0 (one is used; none left is 409 ORDER_REVISIONS_EXHAUSTED). autoCompleteAt is cleared until the next delivery. The seller is 403.',
  })
  @ApiCreatedResponse({ type: RevisionRequestResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  requestRevision(
    @CurrentUser() user: AuthUser,
    @Param('orderId', ParseIdPipe) orderId: number,
    @Body() dto: CreateRevisionRequestDto,
  ): Promise<RevisionRequestResponse> {
    return this.deliveries.requestRevision(user, orderId, dto.reason);
  }

  @Get('revision-requests')
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: true })
  @ORDER_ID
  @ApiOperation({ summary: "An order's revision requests, oldest first (its parties or an admin)" })
  @ApiPage(RevisionRequestResponse, 'Revision requests, oldest first.')
  @ApiErrors(400, 401, 403, 404)
  listRevisionRequests(
    @Param('orderId', ParseIdPipe) orderId: number,
    @Query() query: PageQueryDto,
  ) {
    return this.deliveries.listRevisionRequests(orderId, query);
  }
}

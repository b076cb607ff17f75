import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ORDER_PARTIES } from '../orders/order.access';
import { CancellationRequestsService } from './cancellation-requests.service';
import {
  CancellationRequestResponse,
  CreateCancellationRequestDto,
} from './dto/cancellation-request.dto';

const ORDER_ID = ApiParam({ name: 'orderId', description: 'Order id.', example: 12 });
const REQUEST_ID = ApiParam({ name: 'requestId', description: 'Request id.', example: 3 });

@ApiTags('order cancellation requests')
@ApiBearerAuth()
@Controller('orders/:orderId/cancellation-requests')
export class CancellationRequestsController {
  constructor(private readonly requests: CancellationRequestsService) {}

  @Post()
  @Idempotent()
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: false })
  @ORDER_ID
  @ApiOperation({
    summary: 'Ask to cancel a PROTECTED order once work has started (its buyer or its seller)',
    description:
      'For an IN_PROGRESS or DELIVERED PROTECTED order. The other party accepts or declines it by respondBy; unanswered, it expires and the order is CANCELLED. One PENDING request per order (another is 409). A PENDING order is cancelled with PATCH status, as is a DIRECT one (409 here, naming that route).',
  })
  @ApiCreatedResponse({ type: CancellationRequestResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  create(
    @CurrentUser() user: AuthUser,
    @Param('orderId', ParseIdPipe) orderId: number,
    @Body() dto: CreateCancellationRequestDto,
  ): Promise<CancellationRequestResponse> {
    return this.requests.create(user, orderId, dto.reason);
  }

  @Get()
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: true })
  @ORDER_ID
  @ApiOperation({
    summary: "An order's cancellation requests, oldest first (its parties or an admin)",
  })
  @ApiPage(CancellationRequestResponse, 'Cancellation requests, oldest first.')
  @ApiErrors(400, 401, 403, 404)
  list(@Param('orderId', ParseIdPipe) orderId: number, @Query() query: PageQueryDto) {
    return this.requests.list(orderId, query);
  }

  @Post(':requestId/accept')
  @Idempotent()
  @HttpCode(200)
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: false })
  @ORDER_ID
  @REQUEST_ID
  @ApiOperation({
    summary: 'Accept a cancellation request (the other party): the order is CANCELLED',
    description:
      'The one who asked is 403. A request already answered or expired is 409; of an accept and a decline at once, one wins.',
  })
  @ApiOkResponse({ type: CancellationRequestResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  accept(
    @CurrentUser() user: AuthUser,
    @Param('orderId', ParseIdPipe) orderId: number,
    @Param('requestId', ParseIdPipe) requestId: number,
  ): Promise<CancellationRequestResponse> {
    return this.requests.accept(user, orderId, requestId);
  }

  @Post(':requestId/decline')
  @Idempotent()
  @HttpCode(200)
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: false })
  @ORDER_ID
  @REQUEST_ID
  @ApiOperation({
    summary: 'Decline a cancellation request (the other party): the order goes on',
    description: 'The one who asked is 403. A request already answered or expired is 409.',
  })
  @ApiOkResponse({ type: CancellationRequestResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  decline(
    @CurrentUser() user: AuthUser,
    @Param('orderId', ParseIdPipe) orderId: number,
    @Param('requestId', ParseIdPipe) requestId: number,
  ): Promise<CancellationRequestResponse> {
    return this.requests.decline(user, orderId, requestId);
  }
}

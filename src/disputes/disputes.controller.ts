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
import { ORDER_PARTIES } from '../orders/order.access';
import { DISPUTE_PARTIES } from './dispute.access';
import { CurrentUser, Roles } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { RateLimit } from '../common/rate-limit/rate-limit.guard';
import { messagesPerThread } from '../common/rate-limit/rules';
import { DISPUTE_PROCESS } from './dispute-process';
import { DisputesService } from './disputes.service';
import {
  CreateDisputeDto,
  CreateDisputeMessageDto,
  DisputeMessageResponse,
  DisputeResponse,
  DisputeWithMessagesResponse,
  ResolveDisputeDto,
} from './dto/dispute.dto';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

const DISPUTE_ID = ApiParam({ name: 'id', description: 'Dispute id.', example: 4 });

@ApiTags('disputes')
@ApiBearerAuth()
@Controller('disputes')
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Open a dispute on an order (its buyer or seller)',
    description:
      "The order's status does not change; the order shows hasOpenDispute while the dispute " +
      'is OPEN. One OPEN dispute per order (409); a new one may be opened once it is closed.',
  })
  @ApiCreatedResponse({ type: DisputeResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  open(@CurrentUser() user: AuthUser, @Body() dto: CreateDisputeDto): Promise<DisputeResponse> {
    return this.disputes.open(user, dto);
  }

  @Get()
  @Roles('ADMIN')
  @ApiOperation({ summary: 'Every dispute, newest first (ADMIN)' })
  @ApiPage(DisputeResponse, 'Disputes, newest first.')
  @ApiErrors(400, 401, 403)
  all(@Query() query: PageQueryDto) {
    return this.disputes.all(query);
  }

  @Get('open')
  @Roles('ADMIN')
  @ApiOperation({ summary: 'The queue of OPEN disputes, longest waiting first (ADMIN)' })
  @ApiPage(DisputeResponse, 'OPEN disputes, oldest first.')
  @ApiErrors(400, 401, 403)
  openQueue(@Query() query: PageQueryDto) {
    return this.disputes.openQueue(query);
  }

  @Get('user/my-disputes')
  @ApiOperation({ summary: "Disputes on the caller's orders, as buyer or seller, newest first" })
  @ApiPage(DisputeResponse, 'Disputes, newest first.')
  @ApiErrors(400, 401)
  mine(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto) {
    return this.disputes.mine(user, query);
  }

  @Get('order/:orderId')
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: true })
  @ApiParam({ name: 'orderId', example: 99 })
  @ApiOperation({
    summary: "An order's dispute: the OPEN one, else the newest (its parties or an admin)",
  })
  @ApiOkResponse({ type: DisputeWithMessagesResponse })
  @ApiErrors(400, 401, 403, 404)
  forOrder(@Param('orderId', ParseIdPipe) orderId: number): Promise<DisputeWithMessagesResponse> {
    return this.disputes.forOrder(orderId);
  }

  @Get(':id')
  @RequireParty(DISPUTE_PARTIES, { param: 'id', admin: true })
  @DISPUTE_ID
  @ApiOperation({ summary: 'One dispute with its thread (its parties or an admin)' })
  @ApiOkResponse({ type: DisputeWithMessagesResponse })
  @ApiErrors(400, 401, 403, 404)
  get(@Param('id', ParseIdPipe) id: number): Promise<DisputeWithMessagesResponse> {
    return this.disputes.get(id);
  }

  @Post(':id/messages')
  @Idempotent()
  @RateLimit(messagesPerThread('dispute'))
  @RequireParty(DISPUTE_PARTIES, { param: 'id', admin: true })
  @DISPUTE_ID
  @ApiOperation({
    summary: "Post to a dispute's thread (its parties or an admin)",
    description: 'A CLOSED dispute no longer takes messages (409).',
  })
  @ApiCreatedResponse({ type: DisputeMessageResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  postMessage(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: CreateDisputeMessageDto,
  ): Promise<DisputeMessageResponse> {
    return this.disputes.postMessage(user, id, dto.message);
  }

  @Patch(':id/resolve')
  @Roles(...DISPUTE_PROCESS.resolve.by)
  @DISPUTE_ID
  @ApiOperation({
    summary: 'Resolve and close a dispute (ADMIN)',
    description:
      'Sets status CLOSED, the resolution and closedAt. A second resolve is 409. A refundAmount ' +
      "is recorded against the order's payment in the same transaction; if it cannot be " +
      '(no payment, or more than is left to refund) the request is 400 and the dispute stays OPEN. ' +
      'orderOutcome moves the order to COMPLETED or CANCELLED in the same transaction. The ' +
      "order's timers (auto-completion, a cancellation request's expiry), stopped while the " +
      'dispute was OPEN, resume with the time they had left.',
  })
  @ApiOkResponse({ type: DisputeResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  resolve(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: ResolveDisputeDto,
  ): Promise<DisputeResponse> {
    return this.disputes.resolve(user, id, dto);
  }

  @Patch(':id/close')
  @Roles(...DISPUTE_PROCESS.resolve.by)
  @DISPUTE_ID
  @ApiOperation({
    summary: 'Resolve and close a dispute (ADMIN); the same as /resolve',
    description: 'The name the web client uses for PATCH /disputes/{id}/resolve.',
  })
  @ApiOkResponse({ type: DisputeResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  close(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: ResolveDisputeDto,
  ): Promise<DisputeResponse> {
    return this.disputes.resolve(user, id, dto);
  }
}

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
import { ORDER_PARTIES } from '../orders/order.access';
import { CurrentUser } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { RateLimit } from '../common/rate-limit/rate-limit.guard';
import { messagesPerThread } from '../common/rate-limit/rules';
import { CreateMessageDto, MessageResponse, ReadMarkerResponse } from './dto/message.dto';
import { MessagesService } from './messages.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

const ORDER_ID = ApiParam({ name: 'orderId', description: 'Order id.', example: 12 });

@ApiTags('order messages')
@ApiBearerAuth()
@Controller('orders/:orderId/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: true })
  @ORDER_ID
  @ApiOperation({ summary: "An order's thread, oldest first (its buyer, its seller, or an admin)" })
  @ApiPage(MessageResponse, 'Messages, oldest first.')
  @ApiErrors(400, 401, 403, 404)
  list(@Param('orderId', ParseIdPipe) orderId: number, @Query() query: PageQueryDto) {
    return this.messages.list(orderId, query);
  }

  @Post()
  @Idempotent()
  @RateLimit(messagesPerThread('order'))
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: false })
  @ORDER_ID
  @ApiOperation({
    summary: "Post to an order's thread (its buyer or its seller)",
    description: 'Admins read threads but do not post in them. A CANCELLED order is 409.',
  })
  @ApiCreatedResponse({ type: MessageResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  post(
    @CurrentUser() user: AuthUser,
    @Param('orderId', ParseIdPipe) orderId: number,
    @Body() dto: CreateMessageDto,
  ): Promise<MessageResponse> {
    return this.messages.post(user, orderId, dto.content);
  }

  @Post('read')
  @Idempotent()
  @HttpCode(200)
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: false })
  @ORDER_ID
  @ApiOperation({
    summary: "Mark an order's thread read up to its newest message (its buyer or its seller)",
    description: "Sets the caller's unreadCount on this order to 0.",
  })
  @ApiOkResponse({ type: ReadMarkerResponse })
  @ApiErrors(400, 401, 403, 404)
  markRead(
    @CurrentUser() user: AuthUser,
    @Param('orderId', ParseIdPipe) orderId: number,
  ): Promise<ReadMarkerResponse> {
    return this.messages.markRead(user, orderId);
  }
}

import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Param,
  Post,
  Req,
  Res,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireParty } from '../common/access/access.guard';
import { DISPUTE_PARTIES } from '../disputes/dispute.access';
import { ORDER_PARTIES } from '../orders/order.access';
import { CurrentUser, Public } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import type { TokenUser } from '../common/auth/token-claims';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import type { EnvironmentVariables } from '../config/env.validation';
import { StreamTokenRequestDto, StreamTokenResponse } from './dto/stream-token.dto';
import { serveEventStream } from './event-stream';
import { LiveEventBus } from './live-event-bus';
import { LiveEventsRepository } from './live-events.repository';
import type { StreamScope } from './live-events';
import { STREAM_KIND, StreamAuthGuard, type StreamKind } from './stream-auth.guard';
import { StreamTokensService } from './stream-tokens.service';
import { LiveErrors } from './live.errors';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

/**
 * An event stream route: public to the global JWT guard (EventSource may authenticate with
 * `?token=`), then StreamAuthGuard, then the same party guard as the thread's REST routes.
 */
const EventStream = (kind: StreamKind, description: string) =>
  applyDecorators(
    Public(),
    SetMetadata(STREAM_KIND, kind),
    // StreamAuthGuard first: it is what puts the caller on the request for the access check.
    UseGuards(StreamAuthGuard),
    ...(kind === 'user'
      ? []
      : [
          RequireParty(kind === 'order' ? ORDER_PARTIES : DISPUTE_PARTIES, {
            param: 'id',
            admin: true,
          }),
        ]),
    ApiBearerAuth(),
    ApiQuery({ name: 'token', required: false, description: 'A stream token, for EventSource.' }),
    ApiQuery({
      name: 'lastEventId',
      required: false,
      description: 'Resume after this event id (same as the Last-Event-ID header).',
    }),
    ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this id.' }),
    ApiOperation({ summary: 'Live events (server-sent events)', description }),
    ApiResponse({
      status: 200,
      description:
        'A text/event-stream. Each event has `id:`, `event:` (its type) and `data:` (the JSON ' +
        'the REST route returned). A comment line is sent every 15 s to keep the connection up.',
      // Only the stream itself is text/event-stream; a refusal is the usual JSON error body.
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    }),
    ApiErrors(400, 401, 403, 404),
  );

/** Event ids are bigserial: any non-negative integer JavaScript holds exactly. */
function parseEventId(value: unknown): number {
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  throw LiveErrors.LAST_EVENT_ID_INVALID(
    'Last-Event-ID must be the id of an event received earlier.',
  );
}

@ApiTags('live events')
@Controller()
export class LiveController {
  constructor(
    private readonly bus: LiveEventBus,
    private readonly reader: LiveEventsRepository,
    private readonly tokens: StreamTokensService,
    private readonly config: ConfigService<EnvironmentVariables, true>,
  ) {}

  @Get('orders/:id/events')
  @ApiParam({ name: 'id', example: 12 })
  @EventStream(
    'order',
    'message.created and order.status_changed on this order. Its buyer, its seller or an admin.',
  )
  orderEvents(
    @Param('id', ParseIdPipe) id: number,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.serve(request, reply, { kind: 'order', id });
  }

  @Get('disputes/:id/events')
  @ApiParam({ name: 'id', example: 4 })
  @EventStream(
    'dispute',
    'dispute.message_created and dispute.resolved on this dispute. Its parties or an admin.',
  )
  disputeEvents(
    @Param('id', ParseIdPipe) id: number,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.serve(request, reply, { kind: 'dispute', id });
  }

  @Get('users/me/events')
  @EventStream(
    'user',
    "Every event on the caller's orders and disputes, as buyer or seller: for a notification badge.",
  )
  myEvents(
    @CurrentUser() user: AuthUser,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.serve(request, reply, { kind: 'user', id: user.id });
  }

  @Post('users/me/stream-tokens')
  @Idempotent()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'A 60-second token that opens one event stream, for EventSource',
    description:
      "Browsers' EventSource cannot send headers. Pass the token as `?token=` (the `url` field " +
      'has it). It opens only that stream, only for 60 seconds from now, and is refused by ' +
      'every other route. Ask for a new one to reconnect after it expires.',
  })
  @ApiCreatedResponse({ type: StreamTokenResponse })
  @ApiErrors(400, 401, 403, 404)
  streamToken(
    // JwtAuthGuard leaves the token's session version on the caller: the stream token inherits it.
    @CurrentUser() user: TokenUser,
    @Body() dto: StreamTokenRequestDto,
  ): Promise<StreamTokenResponse> {
    return this.tokens.issue(user, dto);
  }

  private serve(request: FastifyRequest, reply: FastifyReply, scope: StreamScope) {
    const header = request.headers['last-event-id'];
    const query = (request.query as Record<string, unknown>).lastEventId;
    const raw = typeof header === 'string' ? header : query;
    const lastEventId = raw === undefined ? null : parseEventId(raw);
    return serveEventStream(request, reply, scope, lastEventId, {
      bus: this.bus,
      reader: this.reader,
      options: {
        heartbeatMs: this.config.get('SSE_HEARTBEAT_MS', { infer: true }),
        maxBufferedBytes: 1024 * 1024,
      },
    });
  }
}

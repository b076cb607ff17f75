import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Public } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateEventDto, EventListQueryDto, EventResponse, UpdateEventDto } from './dto/event.dto';
import { EventsService } from './events.service';
import { RequireOwner } from '../common/access/access.guard';
import { EVENT_OWNER } from './event.access';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @Idempotent()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add an event at a venue; the caller is its creator' })
  @ApiCreatedResponse({ type: EventResponse })
  @ApiErrors(400, 401, 404)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateEventDto): Promise<EventResponse> {
    return this.events.create(user, dto);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'Events, newest first' })
  @ApiPage(EventResponse, 'Events, newest first.')
  @ApiErrors(400)
  list(@Query() query: EventListQueryDto) {
    return this.events.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One event' })
  @ApiOkResponse({ type: EventResponse })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: number): Promise<EventResponse> {
    return this.events.get(id);
  }

  @Patch(':id')
  @RequireOwner(EVENT_OWNER)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change an event (its creator or an admin)' })
  @ApiOkResponse({ type: EventResponse })
  @ApiErrors(400, 401, 403, 404)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateEventDto,
  ): Promise<EventResponse> {
    return this.events.update(id, dto);
  }

  @Delete(':id')
  @RequireOwner(EVENT_OWNER)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Remove an event (its creator or an admin)' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiErrors(400, 401, 403, 404)
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.events.remove(id);
  }
}

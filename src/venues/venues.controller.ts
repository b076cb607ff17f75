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
import { CreateVenueDto, UpdateVenueDto, VenueListQueryDto, VenueResponse } from './dto/venue.dto';
import { VenuesService } from './venues.service';
import { RequireOwner } from '../common/access/access.guard';
import { VENUE_MANAGER } from './venue.access';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('venues')
@Controller('venues')
export class VenuesController {
  constructor(private readonly venues: VenuesService) {}

  @Post()
  @Idempotent()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a venue; the caller is its manager' })
  @ApiCreatedResponse({ type: VenueResponse })
  @ApiErrors(400, 401)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateVenueDto): Promise<VenueResponse> {
    return this.venues.create(user, dto);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'Venues, newest first' })
  @ApiPage(VenueResponse, 'Venues, newest first.')
  @ApiErrors(400)
  list(@Query() query: VenueListQueryDto) {
    return this.venues.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One venue' })
  @ApiOkResponse({ type: VenueResponse })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: number): Promise<VenueResponse> {
    return this.venues.get(id);
  }

  @Patch(':id')
  @RequireOwner(VENUE_MANAGER)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change a venue (its manager or an admin)' })
  @ApiOkResponse({ type: VenueResponse })
  @ApiErrors(400, 401, 403, 404)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateVenueDto,
  ): Promise<VenueResponse> {
    return this.venues.update(id, dto);
  }

  @Delete(':id')
  @RequireOwner(VENUE_MANAGER)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Remove a venue with no events left (its manager or an admin)' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiErrors(400, 401, 403, 404, 409)
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.venues.remove(id);
  }
}

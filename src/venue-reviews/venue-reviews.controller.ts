import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
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
import {
  CreateVenueReviewDto,
  TargetAverageResponse,
  TargetPageQueryDto,
  TargetQueryDto,
  VenueReviewResponse,
} from './dto/venue-review.dto';
import { VenueReviewsService } from './venue-reviews.service';
import { RequireOwner } from '../common/access/access.guard';
import { VENUE_REVIEW_AUTHOR } from './venue-review.access';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('venue and event reviews')
@Controller('venue-event-reviews')
export class VenueReviewsController {
  constructor(private readonly reviews: VenueReviewsService) {}

  @Post()
  @Idempotent()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Review a venue or an event (once per person per target)',
    description: 'The target must exist (404). An event can be reviewed once it has started (409).',
  })
  @ApiCreatedResponse({ type: VenueReviewResponse })
  @ApiErrors(400, 401, 404, 409)
  create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateVenueReviewDto,
  ): Promise<VenueReviewResponse> {
    return this.reviews.create(user, dto);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'Reviews of a venue or event, newest first' })
  @ApiPage(VenueReviewResponse, 'Reviews of this target, newest first.')
  @ApiErrors(400)
  list(@Query() query: TargetPageQueryDto) {
    return this.reviews.list(query);
  }

  @Public()
  @Get('average')
  @ApiOperation({ summary: 'Average score and count of a venue or event' })
  @ApiOkResponse({ type: TargetAverageResponse })
  @ApiErrors(400)
  average(@Query() query: TargetQueryDto): Promise<TargetAverageResponse> {
    return this.reviews.average(query);
  }

  @Delete(':id')
  @RequireOwner(VENUE_REVIEW_AUTHOR)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete a review (its author or an admin)' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors(400, 401, 403, 404)
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.reviews.remove(id);
  }
}

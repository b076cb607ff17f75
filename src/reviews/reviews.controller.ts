import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { RequireParty } from '../common/access/access.guard';
import { ORDER_PARTIES } from '../orders/order.access';
import { CurrentUser, Public, Roles } from '../common/auth/auth.decorators';
import type { AuthUser } from '../common/auth/roles';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ApiPage } from '../common/pagination/api-page.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateReviewDto, ReviewResponse, UserAverageResponse } from './dto/review.dto';
import { ReviewsService } from './reviews.service';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('reviews')
@Controller('reviews')
export class ReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Post()
  @Idempotent()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Review the creator of a COMPLETED order (its buyer, once per order)',
    description: 'Accepts `order_id` as an alias of `orderId`, as the product guide writes it.',
  })
  @ApiCreatedResponse({ type: ReviewResponse })
  @ApiErrors(400, 401, 403, 404, 409)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateReviewDto): Promise<ReviewResponse> {
    return this.reviews.create(user, dto);
  }

  @Get()
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'All reviews, newest first (ADMIN)' })
  @ApiPage(ReviewResponse, 'Reviews, newest first.')
  @ApiErrors(400, 401, 403)
  listAll(@Query() query: PageQueryDto) {
    return this.reviews.listAll(query);
  }

  @Public()
  @Get('user/:userId')
  @ApiParam({ name: 'userId', example: 3 })
  @ApiOperation({ summary: 'Reviews about a creator, newest first' })
  @ApiPage(ReviewResponse, 'Reviews about this creator, newest first.')
  @ApiErrors(400)
  listForUser(@Param('userId', ParseIdPipe) userId: number, @Query() query: PageQueryDto) {
    return this.reviews.listForUser(userId, query);
  }

  @Public()
  @Get('user/:userId/average')
  @ApiParam({ name: 'userId', example: 3 })
  @ApiOperation({
    summary: "A creator's average score, count and distribution",
    description: 'Read from an aggregate kept up to date with every review: constant time.',
  })
  @ApiOkResponse({ type: UserAverageResponse })
  @ApiErrors(400, 404)
  average(@Param('userId', ParseIdPipe) userId: number): Promise<UserAverageResponse> {
    return this.reviews.average(userId);
  }

  @Get('order/:orderId')
  @ApiBearerAuth()
  @RequireParty(ORDER_PARTIES, { param: 'orderId', admin: true })
  @ApiParam({ name: 'orderId', example: 99 })
  @ApiOperation({ summary: "An order's review, or null (its buyer, its seller, or an admin)" })
  @ApiOkResponse({
    description: 'The review, or `null` when none yet.',
    schema: { nullable: true, allOf: [{ $ref: getSchemaPath(ReviewResponse) }] },
  })
  @ApiErrors(400, 401, 403, 404)
  forOrder(@Param('orderId', ParseIdPipe) orderId: number): Promise<ReviewResponse | null> {
    return this.reviews.forOrder(orderId);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('ADMIN')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Remove a review (ADMIN moderation); the creator's average follows" })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiErrors(400, 401, 403, 404)
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.reviews.remove(id);
  }
}

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
import { CreateItemDto, ItemListQueryDto, ItemResponse, UpdateItemDto } from './dto/item.dto';
import { ItemsService } from './items.service';
import { RequireOwner } from '../common/access/access.guard';
import { ITEM_OWNER } from './item.access';
import { Idempotent } from '../common/idempotency/idempotent.decorator';

@ApiTags('items')
@Controller('items')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Post()
  @Idempotent()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'List something for sale; the caller is its creator' })
  @ApiCreatedResponse({ type: ItemResponse })
  @ApiErrors(400, 401)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateItemDto): Promise<ItemResponse> {
    return this.items.create(user, dto);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: 'Listings, newest first' })
  @ApiPage(ItemResponse, 'Listings, newest first.')
  @ApiErrors(400)
  list(@Query() query: ItemListQueryDto) {
    return this.items.list(query);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One listing' })
  @ApiOkResponse({ type: ItemResponse })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: number): Promise<ItemResponse> {
    return this.items.get(id);
  }

  @Patch(':id')
  @RequireOwner(ITEM_OWNER)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change a listing (its creator or an admin)' })
  @ApiOkResponse({ type: ItemResponse })
  @ApiErrors(400, 401, 403, 404)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateItemDto,
  ): Promise<ItemResponse> {
    return this.items.update(id, dto);
  }

  @Delete(':id')
  @RequireOwner(ITEM_OWNER)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Withdraw a listing (its creator or an admin)',
    description: 'The listing disappears from reads; orders already placed on it keep it.',
  })
  @ApiNoContentResponse({ description: 'Withdrawn.' })
  @ApiErrors(400, 401, 403, 404)
  remove(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.items.remove(id);
  }
}

import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository, type FindOptionsWhere } from 'typeorm';
import { assertOwnerOrAdmin } from '../common/access/ownership';
import type { AuthUser } from '../common/auth/roles';
import { fromCents, toCents } from '../common/money';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { CreateItemDto, ItemListQueryDto, ItemResponse, UpdateItemDto } from './dto/item.dto';
import { Item } from './item.entity';

export const toItemResponse = (i: Item): ItemResponse => ({
  id: i.id,
  creatorId: i.creatorId,
  title: i.title,
  description: i.description,
  basePrice: i.basePriceCents === null ? null : fromCents(i.basePriceCents),
  itemType: i.itemType,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});

@Injectable()
export class ItemsService {
  constructor(@InjectRepository(Item) private readonly items: Repository<Item>) {}

  async create(user: AuthUser, dto: CreateItemDto): Promise<ItemResponse> {
    const item = await this.items.save(
      this.items.create({
        creatorId: user.id,
        title: dto.title,
        description: dto.description ?? null,
        basePriceCents: dto.basePrice == null ? null : toCents(dto.basePrice),
        itemType: dto.itemType,
      }),
    );
    return toItemResponse(item);
  }

  async list(query: ItemListQueryDto): Promise<Page<ItemResponse>> {
    const where: FindOptionsWhere<Item> = {};
    if (query.creatorId) where.creatorId = query.creatorId;
    if (query.cursor) where.id = LessThan(decodeIdCursor(query.cursor));
    const rows = await this.items.find({ where, order: { id: 'DESC' }, take: query.limit + 1 });
    return Page.fromRows(rows, query.limit, toItemResponse);
  }

  async get(id: number): Promise<ItemResponse> {
    return toItemResponse(await this.load(id));
  }

  async update(user: AuthUser, id: number, dto: UpdateItemDto): Promise<ItemResponse> {
    const item = await this.load(id);
    assertOwnerOrAdmin(user, item.creatorId, 'listing');
    if (dto.title !== undefined) item.title = dto.title;
    if (dto.description !== undefined) item.description = dto.description ?? null;
    if (dto.basePrice !== undefined) {
      item.basePriceCents = dto.basePrice === null ? null : toCents(dto.basePrice);
    }
    if (dto.itemType !== undefined) item.itemType = dto.itemType;
    return toItemResponse(await this.items.save(item));
  }

  async remove(user: AuthUser, id: number): Promise<void> {
    const item = await this.load(id);
    assertOwnerOrAdmin(user, item.creatorId, 'listing');
    await this.items.softDelete({ id });
  }

  private async load(id: number): Promise<Item> {
    const item = await this.items.findOne({ where: { id } });
    if (!item) throw new NotFoundException(`Listing ${id} does not exist.`);
    return item;
  }
}

import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/roles';
import { fromCents, toCents } from '../common/money';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type { CreateItemDto, ItemListQueryDto, ItemResponse, UpdateItemDto } from './dto/item.dto';
import type { Item } from './item.entity';
import { itemNotFound } from './item.errors';
import { ItemsRepository } from './items.repository';
import { MarketplaceSettingsRepository } from '../marketplace/marketplace-settings.repository';

export const toItemResponse = (i: Item): ItemResponse => ({
  id: i.id,
  creatorId: i.creatorId,
  title: i.title,
  description: i.description,
  basePrice: i.basePriceCents === null ? null : fromCents(i.basePriceCents),
  itemType: i.itemType,
  process: i.process,
  deliveryDays: i.deliveryDays,
  revisionsIncluded: i.revisionsIncluded,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});

@Injectable()
export class ItemsService {
  constructor(
    private readonly items: ItemsRepository,
    private readonly settings: MarketplaceSettingsRepository,
  ) {}

  /** A listing that names no process gets the marketplace default in force when it is created. */
  async create(user: AuthUser, dto: CreateItemDto): Promise<ItemResponse> {
    const process = dto.process ?? (await this.settings.current()).defaultProcess;
    const item = await this.items.create({
      creatorId: user.id,
      title: dto.title,
      description: dto.description ?? null,
      basePriceCents: dto.basePrice == null ? null : toCents(dto.basePrice),
      itemType: dto.itemType,
      process,
      deliveryDays: dto.deliveryDays ?? null,
      revisionsIncluded: dto.revisionsIncluded ?? 1,
    });
    return toItemResponse(item);
  }

  async list(query: ItemListQueryDto): Promise<Page<ItemResponse>> {
    const rows = await this.items.page({
      creatorId: query.creatorId,
      beforeId: query.cursor ? decodeIdCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    return Page.fromRows(rows, query.limit, toItemResponse);
  }

  /** Public: a replica may serve it, a moment behind the primary (README, Scaling out). */
  async get(id: number): Promise<ItemResponse> {
    const item = await this.items.findPublished(id);
    if (!item) throw itemNotFound(id);
    return toItemResponse(item);
  }

  /** Its owner or an admin: declared on the route (@RequireOwner). */
  async update(id: number, dto: UpdateItemDto): Promise<ItemResponse> {
    const item = await this.load(id);
    if (dto.title !== undefined) item.title = dto.title;
    if (dto.description !== undefined) item.description = dto.description ?? null;
    if (dto.basePrice !== undefined) {
      item.basePriceCents = dto.basePrice === null ? null : toCents(dto.basePrice);
    }
    if (dto.itemType !== undefined) item.itemType = dto.itemType;
    if (dto.process !== undefined) item.process = dto.process;
    if (dto.deliveryDays !== undefined) item.deliveryDays = dto.deliveryDays ?? null;
    if (dto.revisionsIncluded !== undefined) item.revisionsIncluded = dto.revisionsIncluded;
    return toItemResponse(await this.items.save(item));
  }

  async remove(id: number): Promise<void> {
    await this.items.softDelete(id);
  }

  private async load(id: number): Promise<Item> {
    const item = await this.items.findById(id);
    if (!item) throw itemNotFound(id);
    return item;
  }
}

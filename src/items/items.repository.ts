import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { ReplicaReads } from '../database/replica-reads';
import { LessThan, type FindOptionsWhere, type Repository } from 'typeorm';
import { Item } from './item.entity';

export type NewItem = Pick<
  Item,
  | 'creatorId'
  | 'title'
  | 'description'
  | 'basePriceCents'
  | 'itemType'
  | 'process'
  | 'deliveryDays'
  | 'revisionsIncluded'
>;

/** Every query of listings. Soft-deleted listings are invisible here (TypeORM's deletedAt). */
@Injectable()
export class ItemsRepository {
  constructor(
    private readonly db: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly replica: ReplicaReads,
  ) {}

  /** Through the current unit of work, when the request runs in one. */
  private get items(): Repository<Item> {
    return this.db.tx.getRepository(Item);
  }

  create(fields: NewItem): Promise<Item> {
    return this.items.save(this.items.create(fields));
  }

  /**
   * Newest first, `limit` rows after the keyset cursor `beforeId`. The public catalogue, fine a
   * moment behind: read from a replica when there is one.
   */
  page(filter: { creatorId?: number; beforeId?: number; limit: number }): Promise<Item[]> {
    const where: FindOptionsWhere<Item> = {};
    if (filter.creatorId) where.creatorId = filter.creatorId;
    if (filter.beforeId) where.id = LessThan(filter.beforeId);
    return this.replica.run((m) =>
      m.getRepository(Item).find({ where, order: { id: 'DESC' }, take: filter.limit }),
    );
  }

  /** A listing as the public sees it: from a replica when there is one. */
  findPublished(id: number): Promise<Item | null> {
    return this.replica.run((m) => m.getRepository(Item).findOne({ where: { id } }));
  }

  /** A listing to change: from the primary, in the unit of work. */
  findById(id: number): Promise<Item | null> {
    return this.items.findOne({ where: { id } });
  }

  save(item: Item): Promise<Item> {
    return this.items.save(item);
  }

  async softDelete(id: number): Promise<void> {
    await this.items.softDelete({ id });
  }
}

import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { LessThan, type FindOptionsWhere, type Repository } from 'typeorm';
import { Event } from './event.entity';

export type NewEvent = Pick<
  Event,
  'venueId' | 'creatorId' | 'title' | 'description' | 'startDate' | 'endDate'
>;

/** Every query of events. Soft-deleted events are invisible here (TypeORM's deletedAt). */
@Injectable()
export class EventsRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Through the current unit of work, when the request runs in one. */
  private get events(): Repository<Event> {
    return this.db.tx.getRepository(Event);
  }

  create(fields: NewEvent): Promise<Event> {
    return this.events.save(this.events.create(fields));
  }

  /** Newest first, `limit` rows after the keyset cursor `beforeId`. */
  page(filter: { venueId?: number; beforeId?: number; limit: number }): Promise<Event[]> {
    const where: FindOptionsWhere<Event> = {};
    if (filter.venueId) where.venueId = filter.venueId;
    if (filter.beforeId) where.id = LessThan(filter.beforeId);
    return this.events.find({ where, order: { id: 'DESC' }, take: filter.limit });
  }

  findById(id: number): Promise<Event | null> {
    return this.events.findOne({ where: { id } });
  }

  save(event: Event): Promise<Event> {
    return this.events.save(event);
  }

  async softDelete(id: number): Promise<void> {
    await this.events.softDelete({ id });
  }
}

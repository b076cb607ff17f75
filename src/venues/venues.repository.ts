import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Injectable } from '@nestjs/common';
import { LessThan, type FindOptionsWhere, type Repository } from 'typeorm';
import { Event } from '../events/event.entity';
import { Venue } from './venue.entity';

export type NewVenue = Pick<
  Venue,
  'managerId' | 'name' | 'address' | 'city' | 'capacity' | 'description'
>;

/** A venue is removed only when it has no events left. */
export type RemoveVenueResult = { ok: true } | { ok: false; reason: 'HAS_EVENTS' };

/**
 * Every query of venues. Soft-deleted venues are invisible here (TypeORM's deletedAt).
 *
 * Removal and event creation meet on the venue row: removal locks it FOR UPDATE before it looks
 * for events, event creation holds it FOR SHARE while it inserts, so an event cannot slip in
 * between the check and the delete.
 */
@Injectable()
export class VenuesRepository {
  constructor(private readonly db: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Through the current unit of work, when the request runs in one. */
  private get venues(): Repository<Venue> {
    return this.db.tx.getRepository(Venue);
  }

  create(fields: NewVenue): Promise<Venue> {
    return this.venues.save(this.venues.create(fields));
  }

  /** Newest first, `limit` rows after the keyset cursor `beforeId`. */
  page(filter: { managerId?: number; beforeId?: number; limit: number }): Promise<Venue[]> {
    const where: FindOptionsWhere<Venue> = {};
    if (filter.managerId) where.managerId = filter.managerId;
    if (filter.beforeId) where.id = LessThan(filter.beforeId);
    return this.venues.find({ where, order: { id: 'DESC' }, take: filter.limit });
  }

  findById(id: number): Promise<Venue | null> {
    return this.venues.findOne({ where: { id } });
  }

  /** The venue, locked FOR UPDATE until the transaction ends (see removeUnlessEvents). */
  findByIdForUpdate(id: number): Promise<Venue | null> {
    return this.venues.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Whether the venue exists, holding it FOR SHARE until the transaction ends, so that it cannot
   * be removed while an event is added to it.
   */
  async lockForShare(id: number): Promise<boolean> {
    const venue = await this.venues.findOne({
      select: { id: true },
      where: { id },
      lock: { mode: 'pessimistic_read' },
    });
    return venue !== null;
  }

  save(venue: Venue): Promise<Venue> {
    return this.venues.save(venue);
  }

  /**
   * Soft-deletes the venue unless it has events that are not deleted. Call it with the venue
   * locked (findByIdForUpdate) in the same transaction: the events are then read after any
   * concurrent event creation has committed.
   */
  async removeUnlessEvents(id: number): Promise<RemoveVenueResult> {
    const hasEvents = await this.db.tx.getRepository(Event).exists({ where: { venueId: id } });
    if (hasEvents) return { ok: false, reason: 'HAS_EVENTS' };
    await this.venues.softDelete({ id });
    return { ok: true };
  }
}

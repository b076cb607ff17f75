import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import type { AuthUser } from '../common/auth/roles';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type {
  CreateVenueDto,
  UpdateVenueDto,
  VenueListQueryDto,
  VenueResponse,
} from './dto/venue.dto';
import type { Venue } from './venue.entity';
import { VenueErrors, venueNotFound } from './venue.errors';
import { VenuesRepository } from './venues.repository';

export const toVenueResponse = (v: Venue): VenueResponse => ({
  id: v.id,
  managerId: v.managerId,
  name: v.name,
  address: v.address,
  city: v.city,
  capacity: v.capacity,
  description: v.description,
  createdAt: v.createdAt.toISOString(),
  updatedAt: v.updatedAt.toISOString(),
});

@Injectable()
export class VenuesService {
  constructor(
    private readonly venues: VenuesRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async create(user: AuthUser, dto: CreateVenueDto): Promise<VenueResponse> {
    const venue = await this.venues.create({
      managerId: user.id,
      name: dto.name,
      address: dto.address,
      city: dto.city ?? null,
      capacity: dto.capacity ?? null,
      description: dto.description ?? null,
    });
    return toVenueResponse(venue);
  }

  async list(query: VenueListQueryDto): Promise<Page<VenueResponse>> {
    const rows = await this.venues.page({
      managerId: query.managerId,
      beforeId: query.cursor ? decodeIdCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    return Page.fromRows(rows, query.limit, toVenueResponse);
  }

  async get(id: number): Promise<VenueResponse> {
    const venue = await this.venues.findById(id);
    if (!venue) throw venueNotFound(id);
    return toVenueResponse(venue);
  }

  async update(id: number, dto: UpdateVenueDto): Promise<VenueResponse> {
    const venue = await this.venues.findById(id);
    if (!venue) throw venueNotFound(id);
    if (dto.name !== undefined) venue.name = dto.name;
    if (dto.address !== undefined) venue.address = dto.address;
    if (dto.city !== undefined) venue.city = dto.city ?? null;
    if (dto.capacity !== undefined) venue.capacity = dto.capacity ?? null;
    if (dto.description !== undefined) venue.description = dto.description ?? null;
    return toVenueResponse(await this.venues.save(venue));
  }

  /**
   * A venue with live events cannot be removed. The venue row is locked first; event creation
   * takes a share lock on the same row, so an event cannot slip in between check and delete.
   */
  async remove(id: number): Promise<void> {
    return this.uow.run(async () => {
      const venue = await this.venues.findByIdForUpdate(id);
      if (!venue) throw venueNotFound(id);
      const removed = await this.venues.removeUnlessEvents(id);
      if (!removed.ok) {
        throw VenueErrors.VENUE_HAS_EVENTS('This venue still has events; delete them first.');
      }
    });
  }
}

import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan, Repository, type FindOptionsWhere } from 'typeorm';
import { assertOwnerOrAdmin } from '../common/access/ownership';
import type { AuthUser } from '../common/auth/roles';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type {
  CreateVenueDto,
  UpdateVenueDto,
  VenueListQueryDto,
  VenueResponse,
} from './dto/venue.dto';
import { Venue } from './venue.entity';

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
    @InjectRepository(Venue) private readonly venues: Repository<Venue>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(user: AuthUser, dto: CreateVenueDto): Promise<VenueResponse> {
    const venue = await this.venues.save(
      this.venues.create({
        managerId: user.id,
        name: dto.name,
        address: dto.address,
        city: dto.city ?? null,
        capacity: dto.capacity ?? null,
        description: dto.description ?? null,
      }),
    );
    return toVenueResponse(venue);
  }

  async list(query: VenueListQueryDto): Promise<Page<VenueResponse>> {
    const where: FindOptionsWhere<Venue> = {};
    if (query.managerId) where.managerId = query.managerId;
    if (query.cursor) where.id = LessThan(decodeIdCursor(query.cursor));
    const rows = await this.venues.find({ where, order: { id: 'DESC' }, take: query.limit + 1 });
    return Page.fromRows(rows, query.limit, toVenueResponse);
  }

  async get(id: number): Promise<VenueResponse> {
    return toVenueResponse(await this.load(id));
  }

  async update(user: AuthUser, id: number, dto: UpdateVenueDto): Promise<VenueResponse> {
    const venue = await this.load(id);
    assertOwnerOrAdmin(user, venue.managerId, 'venue');
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
  async remove(user: AuthUser, id: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(Venue);
      const venue = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!venue) throw new NotFoundException(`Venue ${id} does not exist.`);
      assertOwnerOrAdmin(user, venue.managerId, 'venue');
      const events: unknown[] = await tx.query(
        'SELECT 1 FROM events WHERE venue_id = $1 AND deleted_at IS NULL LIMIT 1',
        [id],
      );
      if (events.length > 0) {
        throw new ConflictException('This venue still has events; delete them first.');
      }
      await repo.softDelete({ id });
    });
  }

  private async load(id: number): Promise<Venue> {
    const venue = await this.venues.findOne({ where: { id } });
    if (!venue) throw new NotFoundException(`Venue ${id} does not exist.`);
    return venue;
  }
}

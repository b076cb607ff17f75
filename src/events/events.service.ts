import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan, Repository, type FindOptionsWhere } from 'typeorm';
import { assertOwnerOrAdmin } from '../common/access/ownership';
import type { AuthUser } from '../common/auth/roles';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import type {
  CreateEventDto,
  EventListQueryDto,
  EventResponse,
  UpdateEventDto,
} from './dto/event.dto';
import { Event } from './event.entity';

export const toEventResponse = (e: Event): EventResponse => ({
  id: e.id,
  venueId: e.venueId,
  creatorId: e.creatorId,
  title: e.title,
  description: e.description,
  startDate: e.startDate.toISOString(),
  endDate: e.endDate.toISOString(),
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

function assertOrdered(start: Date, end: Date): void {
  if (end < start) throw new BadRequestException('endDate must not be before startDate.');
}

@Injectable()
export class EventsService {
  constructor(
    @InjectRepository(Event) private readonly events: Repository<Event>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The venue row is share-locked so that it cannot be removed while the event is added. */
  async create(user: AuthUser, dto: CreateEventDto): Promise<EventResponse> {
    const startDate = new Date(dto.startDate);
    const endDate = new Date(dto.endDate);
    assertOrdered(startDate, endDate);
    return this.dataSource.transaction(async (tx) => {
      const venue: unknown[] = await tx.query(
        'SELECT id FROM venues WHERE id = $1 AND deleted_at IS NULL FOR SHARE',
        [dto.venueId],
      );
      if (venue.length === 0) throw new NotFoundException(`Venue ${dto.venueId} does not exist.`);
      const repo = tx.getRepository(Event);
      const event = await repo.save(
        repo.create({
          venueId: dto.venueId,
          creatorId: user.id,
          title: dto.title,
          description: dto.description ?? null,
          startDate,
          endDate,
        }),
      );
      return toEventResponse(event);
    });
  }

  async list(query: EventListQueryDto): Promise<Page<EventResponse>> {
    const where: FindOptionsWhere<Event> = {};
    if (query.venueId) where.venueId = query.venueId;
    if (query.cursor) where.id = LessThan(decodeIdCursor(query.cursor));
    const rows = await this.events.find({ where, order: { id: 'DESC' }, take: query.limit + 1 });
    return Page.fromRows(rows, query.limit, toEventResponse);
  }

  async get(id: number): Promise<EventResponse> {
    return toEventResponse(await this.load(id));
  }

  async update(user: AuthUser, id: number, dto: UpdateEventDto): Promise<EventResponse> {
    const event = await this.load(id);
    assertOwnerOrAdmin(user, event.creatorId, 'event');
    if (dto.title !== undefined) event.title = dto.title;
    if (dto.description !== undefined) event.description = dto.description ?? null;
    if (dto.startDate !== undefined) event.startDate = new Date(dto.startDate);
    if (dto.endDate !== undefined) event.endDate = new Date(dto.endDate);
    assertOrdered(event.startDate, event.endDate);
    return toEventResponse(await this.events.save(event));
  }

  async remove(user: AuthUser, id: number): Promise<void> {
    const event = await this.load(id);
    assertOwnerOrAdmin(user, event.creatorId, 'event');
    await this.events.softDelete({ id });
  }

  private async load(id: number): Promise<Event> {
    const event = await this.events.findOne({ where: { id } });
    if (!event) throw new NotFoundException(`Event ${id} does not exist.`);
    return event;
  }
}

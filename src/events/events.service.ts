import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/transaction-host';
import type { AuthUser } from '../common/auth/roles';
import { decodeIdCursor } from '../common/pagination/cursor';
import { Page } from '../common/pagination/page';
import { venueNotFound } from '../venues/venue.errors';
import { VenuesRepository } from '../venues/venues.repository';
import type {
  CreateEventDto,
  EventListQueryDto,
  EventResponse,
  UpdateEventDto,
} from './dto/event.dto';
import type { Event } from './event.entity';
import { EventErrors, eventNotFound } from './event.errors';
import { EventsRepository, type NewEvent } from './events.repository';

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
  if (end < start) {
    throw EventErrors.EVENT_ENDS_BEFORE_START('endDate must not be before startDate.');
  }
}

@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventsRepository,
    private readonly venues: VenuesRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** The venue row is share-locked so that it cannot be removed while the event is added. */
  async create(user: AuthUser, dto: CreateEventDto): Promise<EventResponse> {
    const startDate = new Date(dto.startDate);
    const endDate = new Date(dto.endDate);
    assertOrdered(startDate, endDate);
    return this.createAtVenue({
      venueId: dto.venueId,
      creatorId: user.id,
      title: dto.title,
      description: dto.description ?? null,
      startDate,
      endDate,
    });
  }

  async list(query: EventListQueryDto): Promise<Page<EventResponse>> {
    const rows = await this.events.page({
      venueId: query.venueId,
      beforeId: query.cursor ? decodeIdCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    return Page.fromRows(rows, query.limit, toEventResponse);
  }

  async get(id: number): Promise<EventResponse> {
    return toEventResponse(await this.load(id));
  }

  async update(id: number, dto: UpdateEventDto): Promise<EventResponse> {
    const event = await this.load(id);
    if (dto.title !== undefined) event.title = dto.title;
    if (dto.description !== undefined) event.description = dto.description ?? null;
    if (dto.startDate !== undefined) event.startDate = new Date(dto.startDate);
    if (dto.endDate !== undefined) event.endDate = new Date(dto.endDate);
    assertOrdered(event.startDate, event.endDate);
    return toEventResponse(await this.events.save(event));
  }

  async remove(id: number): Promise<void> {
    await this.events.softDelete(id);
  }

  /** After the cheap checks, so that a refused request opens no transaction. */
  private async createAtVenue(fields: NewEvent): Promise<EventResponse> {
    return this.uow.run(async () => {
      if (!(await this.venues.lockForShare(fields.venueId))) {
        throw venueNotFound(fields.venueId);
      }
      return toEventResponse(await this.events.create(fields));
    });
  }

  private async load(id: number): Promise<Event> {
    const event = await this.events.findById(id);
    if (!event) throw eventNotFound(id);
    return event;
  }

  /** Events are changed by their creator or an admin. */
}

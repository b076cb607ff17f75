import { Injectable } from '@nestjs/common';
import type { LiveEventType } from './live-events';
import { LiveEventsRepository } from './live-events.repository';

/**
 * What the features call to publish a change to open streams: the event is appended in the
 * unit of work of the change, so it is delivered if and only if the change commits.
 */
@Injectable()
export class LiveEventsWriter {
  constructor(private readonly events: LiveEventsRepository) {}

  record(
    type: LiveEventType,
    ref: { orderId: number; disputeId?: number | null },
    payload: unknown,
  ): Promise<void> {
    return this.events.append(type, ref, payload);
  }
}

import { defineErrors } from '../common/errors/domain-error';

export const EventErrors = defineErrors({
  EVENT_NOT_FOUND: { status: 404, meaning: 'The event does not exist (or was deleted).' },
  EVENT_OWNER_REQUIRED: {
    status: 403,
    meaning: 'Only the creator of the event or an admin may change it.',
  },
  EVENT_ENDS_BEFORE_START: { status: 400, meaning: 'The event would end before it starts.' },
});

export const eventNotFound = (id: number) =>
  EventErrors.EVENT_NOT_FOUND(`Event ${id} does not exist.`);

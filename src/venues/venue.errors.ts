import { defineErrors } from '../common/errors/domain-error';

export const VenueErrors = defineErrors({
  VENUE_NOT_FOUND: { status: 404, meaning: 'The venue does not exist (or was deleted).' },
  VENUE_OWNER_REQUIRED: {
    status: 403,
    meaning: 'Only the manager of the venue or an admin may change it.',
  },
  VENUE_HAS_EVENTS: {
    status: 409,
    meaning: 'The venue still has events; delete them before the venue.',
  },
});

export const venueNotFound = (id: number) =>
  VenueErrors.VENUE_NOT_FOUND(`Venue ${id} does not exist.`);

import { defineErrors } from '../common/errors/domain-error';

export const VenueReviewErrors = defineErrors({
  VENUE_REVIEW_EVENT_NOT_STARTED: {
    status: 409,
    meaning: 'The event has not started yet; it can be reviewed once it has.',
  },
  VENUE_REVIEW_DUPLICATE: {
    status: 409,
    meaning: 'This person has already reviewed this venue or event: one review per target.',
  },
  VENUE_REVIEW_NOT_FOUND: {
    status: 404,
    meaning: 'The venue or event review does not exist (or was deleted).',
  },
  VENUE_REVIEW_AUTHOR_REQUIRED: {
    status: 403,
    meaning: 'Only the author of the venue or event review or an admin may delete it.',
  },
});

export const venueReviewNotFound = (id: number) =>
  VenueReviewErrors.VENUE_REVIEW_NOT_FOUND(`Review ${id} does not exist.`);

import type { OwnerRule } from '../common/access/access.service';
import { VenueReviewErrors, venueReviewNotFound } from './venue-review.errors';

/** A review of a venue or event is deleted by its author or an admin. */
export const VENUE_REVIEW_AUTHOR: OwnerRule = {
  table: 'venue_event_reviews',
  ownerColumn: 'author_id',
  softDeleted: false,
  notFound: venueReviewNotFound,
  notOwner: () =>
    VenueReviewErrors.VENUE_REVIEW_AUTHOR_REQUIRED(
      'Only the author of this review or an admin may delete it.',
    ),
};

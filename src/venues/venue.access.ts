import type { OwnerRule } from '../common/access/access.service';
import { VenueErrors, venueNotFound } from './venue.errors';

/** Venues are changed by their manager or an admin. */
export const VENUE_MANAGER: OwnerRule = {
  table: 'venues',
  ownerColumn: 'manager_id',
  softDeleted: true,
  notFound: venueNotFound,
  notOwner: () =>
    VenueErrors.VENUE_OWNER_REQUIRED('Only the owner of this venue or an admin may change it.'),
};

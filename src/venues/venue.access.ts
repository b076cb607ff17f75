import type { OwnerRule } from '../common/access/access.service';
import { VenueErrors } from './venue.errors';

/** Venues are changed by their manager or an admin. */
export const VENUE_MANAGER: OwnerRule = {
  table: 'venues',
  ownerColumn: 'manager_id',
  softDeleted: true,
  notFound: (id) => VenueErrors.VENUE_NOT_FOUND(`Venue ${id} does not exist.`),
  notOwner: () =>
    VenueErrors.VENUE_OWNER_REQUIRED('Only the owner of this venue or an admin may change it.'),
};

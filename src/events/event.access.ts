import type { OwnerRule } from '../common/access/access.service';
import { EventErrors } from './event.errors';

/** Events are changed by their creator or an admin. */
export const EVENT_OWNER: OwnerRule = {
  table: 'events',
  ownerColumn: 'creator_id',
  softDeleted: true,
  notFound: (id) => EventErrors.EVENT_NOT_FOUND(`Event ${id} does not exist.`),
  notOwner: () =>
    EventErrors.EVENT_OWNER_REQUIRED('Only the owner of this event or an admin may change it.'),
};

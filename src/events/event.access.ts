import type { OwnerRule } from '../common/access/access.service';
import { EventErrors, eventNotFound } from './event.errors';

/** Events are changed by their creator or an admin. */
export const EVENT_OWNER: OwnerRule = {
  table: 'events',
  ownerColumn: 'creator_id',
  softDeleted: true,
  notFound: eventNotFound,
  notOwner: () =>
    EventErrors.EVENT_OWNER_REQUIRED('Only the owner of this event or an admin may change it.'),
};

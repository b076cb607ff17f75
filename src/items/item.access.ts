import type { OwnerRule } from '../common/access/access.service';
import { ItemErrors } from './item.errors';

/** Listings are changed by their creator or an admin. */
export const ITEM_OWNER: OwnerRule = {
  table: 'items',
  ownerColumn: 'creator_id',
  softDeleted: true,
  notFound: (id) => ItemErrors.ITEM_NOT_FOUND(`Listing ${id} does not exist.`),
  notOwner: () =>
    ItemErrors.ITEM_OWNER_REQUIRED('Only the owner of this listing or an admin may change it.'),
};

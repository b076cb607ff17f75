import type { OwnerRule } from '../common/access/access.service';
import { ItemErrors, itemNotFound } from './item.errors';

/** Listings are changed by their creator or an admin. */
export const ITEM_OWNER: OwnerRule = {
  table: 'items',
  ownerColumn: 'creator_id',
  softDeleted: true,
  notFound: itemNotFound,
  notOwner: () =>
    ItemErrors.ITEM_OWNER_REQUIRED('Only the owner of this listing or an admin may change it.'),
};

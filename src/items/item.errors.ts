import { defineErrors } from '../common/errors/domain-error';

export const ItemErrors = defineErrors({
  ITEM_NOT_FOUND: { status: 404, meaning: 'The listing does not exist (or was deleted).' },
  ITEM_OWNER_REQUIRED: {
    status: 403,
    meaning: 'Only the creator of the listing or an admin may change it.',
  },
});

export const itemNotFound = (id: number) =>
  ItemErrors.ITEM_NOT_FOUND(`Listing ${id} does not exist.`);

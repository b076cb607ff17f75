/** What a listing offers: commissioned work, a physical product, or a digital asset. */
export const ITEM_TYPES = ['SERVICE', 'PRODUCT', 'DIGITAL'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

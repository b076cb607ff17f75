/**
 * How an order runs: DIRECT is the seed lifecycle (the parties move it themselves); PROTECTED
 * adds a delivery, revisions, acceptance that happens by itself, and cancellation by consent.
 */
export const ORDER_PROCESSES = ['DIRECT', 'PROTECTED'] as const;
export type OrderProcess = (typeof ORDER_PROCESSES)[number];

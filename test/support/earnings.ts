import type { TestUser } from './factories';
import type { TestApp } from './test-app';

/** A seller's balances by state, as GET /users/me/earnings answers them (major units). */
export type Totals = {
  currency: string;
  pending: number;
  clearing: number;
  held: number;
  available: number;
  paid: number;
};

/** One row of GET /users/me/earnings/entries. */
export type LedgerEntry = {
  id: number;
  orderId: number | null;
  payoutId: number | null;
  type: string;
  amount: number;
  platformFee: number;
  currency: string;
  state: string;
  availableAt: string | null;
  execution: string | null;
  externalRef: string | null;
  createdAt: string;
};

/** A payout as POST /payouts, GET /payouts and GET /users/me/payouts answer it. */
export type Payout = {
  id: number;
  sellerId: number;
  amount: number;
  currency: string;
  entryCount: number;
  execution: string;
  externalRef: string | null;
  executionNote: string | null;
  createdAt: string;
};

/** The totals of a seller who has earned nothing: a test spreads it and names what differs. */
export const ZERO: Totals = {
  currency: 'EUR',
  pending: 0,
  clearing: 0,
  held: 0,
  available: 0,
  paid: 0,
};

/**
 * Waits until `check` holds, up to `ms`: long enough for a durable job's poll and run, and
 * more for a test that waits on the job's retry.
 */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Waited ${ms / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The marketplace's own defaults (see marketplace-settings.entity.ts). */
const MARKETPLACE_DEFAULTS = {
  defaultProcess: 'DIRECT',
  autoCompleteAfter: 'P3D',
  cancellationWindow: 'PT48H',
  clearancePeriod: 'P7D',
};

/**
 * PUT /marketplace/settings as `admin`. The PUT takes every field, so a test names only what
 * it changes (a clearance period of seconds, say) and the rest stays at the defaults.
 */
export async function setMarketplaceSettings(
  t: TestApp,
  admin: TestUser,
  overrides: Partial<typeof MARKETPLACE_DEFAULTS> = {},
): Promise<void> {
  await t.http
    .put('/marketplace/settings')
    .set(admin.auth)
    .send({ ...MARKETPLACE_DEFAULTS, ...overrides })
    .expect(200);
}

/** PUT /payments/settings as `admin`: ECHO's fee, which decides every earning's split. */
export async function setPlatformFee(
  t: TestApp,
  admin: TestUser,
  platformFeePercent: number,
): Promise<void> {
  await t.http.put('/payments/settings').set(admin.auth).send({ platformFeePercent }).expect(200);
}

/** Opens an ORDER dispute as `buyer`: it holds the order's earnings until an admin decides it. */
export async function aDispute(
  t: TestApp,
  buyer: TestUser,
  orderId: number,
  reason = 'The files are late.',
): Promise<number> {
  const res = await t.http.post('/disputes').set(buyer.auth).send({ orderId, reason }).expect(201);
  return res.body.id;
}

/** Resolves a dispute as `admin`; a `refundAmount` goes back to the buyer out of the ledger. */
export async function resolveDispute(
  t: TestApp,
  admin: TestUser,
  disputeId: number,
  refundAmount?: number,
  resolution = 'Settled.',
): Promise<void> {
  await t.http
    .patch(`/disputes/${disputeId}/resolve`)
    .set(admin.auth)
    .send({ resolution, refundAmount })
    .expect(200);
}

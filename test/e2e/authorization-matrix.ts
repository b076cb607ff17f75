import type { TestUser } from '../support/factories';

/**
 * Who may call what: one row per route the app registers ("METHOD /path" as in OpenAPI), the
 * status each caller gets, and how to build the request from a fixture. authorization.e2e-spec.ts
 * runs every cell against the real app and fails when a route has no row here, so a new route
 * cannot ship without deciding who may use it.
 *
 * The fixture is an order placed by `buyer` on a listing of `seller`; `stranger` is a signed-in
 * user with no part in it; `admin` holds the ADMIN role. Bodies are valid, so that authorization,
 * not validation, decides the status.
 */
export const ROLES = ['anonymous', 'stranger', 'buyer', 'seller', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type SignedInRole = Exclude<Role, 'anonymous'>;

/** Expected status per caller, in the order of ROLES. */
export type Expected = readonly [
  anonymous: number,
  stranger: number,
  buyer: number,
  seller: number,
  admin: number,
];

/**
 * The things requests point at. Each part is made on first use only, through the API, and is
 * the same object on every later call of the same fixture.
 */
export interface Fixture {
  users: Record<SignedInRole, TestUser>;
  /** A value no other call returns, for emails, usernames and external ids. */
  unique(): string;
  /** A listing whose creator is the seller. */
  item(): Promise<number>;
  /** The buyer's PENDING order of item(); it has dispute() and payment() once those are made. */
  order(): Promise<number>;
  /** Another order of item(), moved by the seller to COMPLETED. */
  completedOrder(): Promise<number>;
  /** The buyer's order of a PROTECTED listing of the seller, moved by the seller to IN_PROGRESS. */
  protectedOrder(): Promise<number>;
  /** protectedOrder(), delivered by the seller. */
  deliveredOrder(): Promise<number>;
  /** A PENDING cancellation request of protectedOrder(), made by the buyer. */
  cancellationRequest(): Promise<{ orderId: number; id: number }>;
  /** The buyer's review of completedOrder(). */
  review(): Promise<number>;
  /** An OPEN dispute on order(), opened by the buyer. */
  dispute(): Promise<number>;
  /** A payment on order(), recorded by the admin. */
  payment(): Promise<number>;
  /**
   * A payment on completedOrder(), whose earning the seller can be paid: made AVAILABLE in the
   * database, as the clearance period (days) would make it. Returns the order's id.
   */
  availableEarning(): Promise<number>;
  /** A MANUAL payout of the seller's AVAILABLE earnings, the same one for every fixture. */
  payout(): Promise<number>;
  /** A venue managed by the seller, without events (so it can be deleted). */
  venue(): Promise<number>;
  /** An event by the seller at a venue of its own. */
  event(): Promise<number>;
  /** The buyer's review of venue(). */
  venueReview(): Promise<number>;
  /** A fresh user who plays no role, to be promoted or deactivated. */
  someone(): Promise<{ id: number; email: string }>;
  /**
   * A fresh account with the roles and the password of `role`'s user, logged in: for a route
   * that ends the caller's own sessions, which must not end the shared users' tokens.
   */
  twinOf(role: SignedInRole): Promise<TestUser>;
  /** A Stripe event of a type the webhook acknowledges and ignores, signed with its secret. */
  stripeEvent(): { payload: string; signature: string };
}

export interface CellRequest {
  /** The concrete path, query string included. */
  path: string;
  body?: object;
  /** Sent as-is with Content-Type: application/json (signed webhooks). */
  raw?: string;
  /** Sent with this account's token instead of the role's shared one (see Fixture.twinOf). */
  as?: TestUser;
  headers?: Record<string, string>;
  /** A text/event-stream: only the status is read, then the stream is closed. */
  stream?: true;
}

/** A path alone (no body, plain request), or the whole request. */
export type Built = string | CellRequest;

export interface MatrixRow {
  expect: Expected;
  /** Changes state: every cell then gets a fixture of its own, so no cell sees another's writes. */
  writes?: true;
  /** The body may carry other users' emails, and why that is allowed. */
  showsEmails?: string;
  /** A list a stranger may read names orders it has no part in, and why that is allowed. */
  showsOrderIds?: string;
  request(f: Fixture, role: Role): Built | Promise<Built>;
}

type Build = MatrixRow['request'];

/** A row whose requests change nothing another cell could see: its cells share one fixture. */
const read = (expect: Expected, request: Build, showsEmails?: string): MatrixRow => ({
  expect,
  request,
  showsEmails,
});
/** A row whose requests change state: every cell gets a fixture of its own. */
const write = (expect: Expected, request: Build, showsEmails?: string): MatrixRow => ({
  expect,
  request,
  writes: true,
  showsEmails,
});
const send = (path: string, body: object): CellRequest => ({ path, body });
const stream = (path: string): CellRequest => ({ path, stream: true });
/** `path`, once `parts` exist: lists are read with the fixture's rows in them. */
const after = async (parts: Promise<unknown>[], path: string) => (await Promise.all(parts), path);
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const ACCOUNTS = 'admins manage accounts, emails included';

export const MATRIX: Record<string, MatrixRow> = {
  // Expected: [anonymous, stranger, buyer, seller, admin]
  'GET /health': read([200, 200, 200, 200, 200], () => '/health'),
  'GET /health/ready': read([200, 200, 200, 200, 200], () => '/health/ready'),

  // Users: anyone registers and logs in and sees profiles; admins manage accounts.
  'POST /users/register': write(
    [201, 201, 201, 201, 201],
    (f) => {
      const u = f.unique();
      const account = { email: `new.${u}@example.com`, username: `new_${u}` };
      return send('/users/register', { ...account, password: 'long enough' });
    },
    'the account just created',
  ),
  'POST /users/login': read(
    [200, 200, 200, 200, 200],
    ({ users: { buyer } }) =>
      send('/users/login', { email: buyer.email, password: buyer.password }),
    'the account whose password was sent',
  ),
  'GET /users/me': read([401, 200, 200, 200, 200], () => '/users/me'),
  'GET /users': read([401, 403, 403, 403, 200], () => '/users', ACCOUNTS),
  'GET /users/{id}': read([200, 200, 200, 200, 200], (f) => `/users/${f.users.seller.id}`),
  // Any signed-in caller changes their own password (which ends their sessions: a twin of the
  // caller is used, so the shared users' tokens live on).
  'POST /users/me/password': write(
    [401, 200, 200, 200, 200],
    async (f, role) => {
      if (role === 'anonymous') {
        return send('/users/me/password', { currentPassword: 'x', newPassword: 'long enough' });
      }
      const twin = await f.twinOf(role);
      return {
        ...send('/users/me/password', {
          currentPassword: twin.password,
          newPassword: `new-${f.unique()}`,
        }),
        as: twin,
      };
    },
    'the account whose password was changed',
  ),
  'PATCH /users/{id}/roles': write(
    [401, 403, 403, 403, 200],
    async (f) => send(`/users/${(await f.someone()).id}/roles`, { roles: ['USER', 'ADMIN'] }),
    ACCOUNTS,
  ),
  'PATCH /users/{id}/active': write(
    [401, 403, 403, 403, 200],
    async (f) => send(`/users/${(await f.someone()).id}/active`, { isActive: false }),
    ACCOUNTS,
  ),

  // Live events: the same party rules as the threads' REST routes.
  'GET /users/me/events': read([401, 200, 200, 200, 200], () => stream('/users/me/events')),
  'GET /orders/{id}/events': read([401, 403, 200, 200, 200], async (f) =>
    stream(`/orders/${await f.order()}/events`),
  ),
  'GET /disputes/{id}/events': read([401, 403, 200, 200, 200], async (f) =>
    stream(`/disputes/${await f.dispute()}/events`),
  ),
  'POST /users/me/stream-tokens': read([401, 403, 201, 201, 201], async (f) =>
    send('/users/me/stream-tokens', { orderId: await f.order() }),
  ),

  // Listings, venues, events: anyone reads, any user adds, the owner (seller) or an admin changes.
  'GET /items': read([200, 200, 200, 200, 200], async (f) =>
    after([f.item()], `/items?creatorId=${f.users.seller.id}`),
  ),
  'GET /items/{id}': read([200, 200, 200, 200, 200], async (f) => `/items/${await f.item()}`),
  'POST /items': write([401, 201, 201, 201, 201], () =>
    send('/items', { title: 'Zine', itemType: 'PRODUCT', basePrice: 12 }),
  ),
  'PATCH /items/{id}': write([401, 403, 403, 200, 200], async (f) =>
    send(`/items/${await f.item()}`, { title: 'Renamed' }),
  ),
  'DELETE /items/{id}': write([401, 403, 403, 204, 204], async (f) => `/items/${await f.item()}`),
  'GET /venues': read([200, 200, 200, 200, 200], async (f) =>
    after([f.venue()], `/venues?managerId=${f.users.seller.id}`),
  ),
  'GET /venues/{id}': read([200, 200, 200, 200, 200], async (f) => `/venues/${await f.venue()}`),
  'POST /venues': write([401, 201, 201, 201, 201], () =>
    send('/venues', { name: 'Hall', address: '1 Main St' }),
  ),
  'PATCH /venues/{id}': write([401, 403, 403, 200, 200], async (f) =>
    send(`/venues/${await f.venue()}`, { capacity: 120 }),
  ),
  'DELETE /venues/{id}': write(
    [401, 403, 403, 204, 204],
    async (f) => `/venues/${await f.venue()}`,
  ),
  'GET /events': read([200, 200, 200, 200, 200], async (f) => after([f.event()], '/events')),
  'GET /events/{id}': read([200, 200, 200, 200, 200], async (f) => `/events/${await f.event()}`),
  'POST /events': write([401, 201, 201, 201, 201], async (f) =>
    send('/events', {
      venueId: await f.venue(),
      title: 'Open mic',
      startDate: future(7),
      endDate: future(8),
    }),
  ),
  'PATCH /events/{id}': write([401, 403, 403, 200, 200], async (f) =>
    send(`/events/${await f.event()}`, { title: 'Renamed' }),
  ),
  'DELETE /events/{id}': write(
    [401, 403, 403, 204, 204],
    async (f) => `/events/${await f.event()}`,
  ),

  // Orders and their threads: the buyer and the seller; admins read them and move any order.
  'GET /orders': read([401, 200, 200, 200, 200], async (f) => after([f.dispute()], '/orders')),
  // The seller ordering its own listing is a bad request (400), whoever may otherwise order.
  'POST /orders': write([401, 201, 201, 400, 201], async (f) =>
    send('/orders', { itemId: await f.item(), finalPrice: 40 }),
  ),
  'GET /orders/{id}': read([401, 403, 200, 200, 200], async (f) => `/orders/${await f.order()}`),
  'PATCH /orders/{id}/status': write(
    [401, 403, 200, 200, 200],
    async (f) => `/orders/${await f.order()}/status?status=CANCELLED`,
  ),
  'GET /orders/{id}/history': read(
    [401, 403, 200, 200, 200],
    async (f) => `/orders/${await f.completedOrder()}/history`,
  ),
  'GET /orders/{orderId}/messages': read(
    [401, 403, 200, 200, 200],
    async (f) => `/orders/${await f.order()}/messages`,
  ),
  // Admins read order threads but do not post in them.
  'POST /orders/{orderId}/messages': write([401, 403, 201, 201, 403], async (f) =>
    send(`/orders/${await f.order()}/messages`, { content: 'Draft attached' }),
  ),
  // Deliveries and revision requests (PROTECTED orders): the seller delivers, the buyer sends
  // a delivery back; both parties and admins read them.
  'POST /orders/{orderId}/deliveries': write([401, 403, 403, 201, 403], async (f) =>
    send(`/orders/${await f.protectedOrder()}/deliveries`, { message: 'Files attached' }),
  ),
  'GET /orders/{orderId}/deliveries': read(
    [401, 403, 200, 200, 200],
    async (f) => `/orders/${await f.deliveredOrder()}/deliveries`,
  ),
  'POST /orders/{orderId}/revision-requests': write([401, 403, 201, 403, 403], async (f) =>
    send(`/orders/${await f.deliveredOrder()}/revision-requests`, { reason: 'Darker, please' }),
  ),
  'GET /orders/{orderId}/revision-requests': read(
    [401, 403, 200, 200, 200],
    async (f) => `/orders/${await f.deliveredOrder()}/revision-requests`,
  ),
  // Cancellation by consent: either party asks, the other answers; admins read.
  'POST /orders/{orderId}/cancellation-requests': write([401, 403, 201, 201, 403], async (f) =>
    send(`/orders/${await f.protectedOrder()}/cancellation-requests`, { reason: 'Brief changed' }),
  ),
  'GET /orders/{orderId}/cancellation-requests': read(
    [401, 403, 200, 200, 200],
    async (f) => `/orders/${(await f.cancellationRequest()).orderId}/cancellation-requests`,
  ),
  'POST /orders/{orderId}/cancellation-requests/{requestId}/accept': write(
    [401, 403, 403, 200, 403],
    async (f) => {
      const { orderId, id } = await f.cancellationRequest();
      return send(`/orders/${orderId}/cancellation-requests/${id}/accept`, {});
    },
  ),
  'POST /orders/{orderId}/cancellation-requests/{requestId}/decline': write(
    [401, 403, 403, 200, 403],
    async (f) => {
      const { orderId, id } = await f.cancellationRequest();
      return send(`/orders/${orderId}/cancellation-requests/${id}/decline`, {});
    },
  ),
  'POST /orders/{orderId}/messages/read': write(
    [401, 403, 200, 200, 403],
    async (f) => `/orders/${await f.order()}/messages/read`,
  ),

  // Reviews of creators: the buyer writes one, anyone reads a creator's, admins moderate.
  'POST /reviews': write([401, 403, 201, 403, 403], async (f) =>
    send('/reviews', { orderId: await f.completedOrder(), score: 5 }),
  ),
  'GET /reviews': read([401, 403, 403, 403, 200], async (f) => after([f.review()], '/reviews')),
  'GET /reviews/user/{userId}': {
    ...read([200, 200, 200, 200, 200], async (f) =>
      after([f.review()], `/reviews/user/${f.users.seller.id}`),
    ),
    showsOrderIds: 'a public review names the order it reviews (orderId in ReviewResponse)',
  },
  'GET /reviews/user/{userId}/average': read([200, 200, 200, 200, 200], async (f) =>
    after([f.review()], `/reviews/user/${f.users.seller.id}/average`),
  ),
  'GET /reviews/order/{orderId}': read([401, 403, 200, 200, 200], async (f) =>
    after([f.review()], `/reviews/order/${await f.completedOrder()}`),
  ),
  'DELETE /reviews/{id}': write(
    [401, 403, 403, 403, 204],
    async (f) => `/reviews/${await f.review()}`,
  ),

  // Reviews of venues and events: any user writes, anyone reads, the author or an admin deletes.
  'POST /venue-event-reviews': write([401, 201, 201, 201, 201], async (f) =>
    send('/venue-event-reviews', { targetId: await f.venue(), targetType: 'VENUE', score: 4 }),
  ),
  'GET /venue-event-reviews': read([200, 200, 200, 200, 200], async (f) =>
    after([f.venueReview()], `/venue-event-reviews?targetType=VENUE&targetId=${await f.venue()}`),
  ),
  'GET /venue-event-reviews/average': read([200, 200, 200, 200, 200], async (f) =>
    after(
      [f.venueReview()],
      `/venue-event-reviews/average?targetType=VENUE&targetId=${await f.venue()}`,
    ),
  ),
  'DELETE /venue-event-reviews/{id}': write(
    [401, 403, 204, 403, 204],
    async (f) => `/venue-event-reviews/${await f.venueReview()}`,
  ),

  // Disputes: the order's parties open and argue; admins see them all and resolve them.
  'POST /disputes': write([401, 403, 201, 201, 403], async (f) =>
    send('/disputes', { orderId: await f.order(), reason: 'Files missing' }),
  ),
  'GET /disputes': read([401, 403, 403, 403, 200], async (f) => after([f.dispute()], '/disputes')),
  'GET /disputes/open': read([401, 403, 403, 403, 200], async (f) =>
    after([f.dispute()], '/disputes/open'),
  ),
  'GET /disputes/user/my-disputes': read([401, 200, 200, 200, 200], async (f) =>
    after([f.dispute()], '/disputes/user/my-disputes'),
  ),
  'GET /disputes/order/{orderId}': read([401, 403, 200, 200, 200], async (f) =>
    after([f.dispute()], `/disputes/order/${await f.order()}`),
  ),
  'GET /disputes/{id}': read(
    [401, 403, 200, 200, 200],
    async (f) => `/disputes/${await f.dispute()}`,
  ),
  'POST /disputes/{id}/messages': write([401, 403, 201, 201, 201], async (f) =>
    send(`/disputes/${await f.dispute()}/messages`, { message: 'See the brief' }),
  ),
  'PATCH /disputes/{id}/resolve': write([401, 403, 403, 403, 200], async (f) =>
    send(`/disputes/${await f.dispute()}/resolve`, { resolution: 'Redelivered' }),
  ),
  'PATCH /disputes/{id}/close': write([401, 403, 403, 403, 200], async (f) =>
    send(`/disputes/${await f.dispute()}/close`, { resolution: 'Redelivered' }),
  ),

  'GET /admin/stats': read([401, 403, 403, 403, 200], async (f) =>
    after([f.payment()], '/admin/stats'),
  ),

  // Earnings: every signed-in user reads their own (zero for someone who sells nothing).
  'GET /users/me/earnings': read([401, 200, 200, 200, 200], async (f) =>
    after([f.payment()], '/users/me/earnings'),
  ),
  'GET /users/me/earnings/entries': read([401, 200, 200, 200, 200], async (f) =>
    after([f.payment()], '/users/me/earnings/entries'),
  ),
  // Payouts: admins pay sellers and see every payout; a seller sees their own.
  'POST /payouts': write([401, 403, 403, 403, 201], async (f) => {
    await f.availableEarning();
    return send('/payouts', { sellerId: f.users.seller.id });
  }),
  'GET /payouts': read([401, 403, 403, 403, 200], () => '/payouts'),
  'GET /users/me/payouts': read([401, 200, 200, 200, 200], () => '/users/me/payouts'),
  'PUT /payouts/{id}/execution': write([401, 403, 403, 403, 200], async (f) =>
    send(`/payouts/${await f.payout()}/execution`, {
      execution: 'SUCCEEDED',
      externalRef: 'SEPA-1',
    }),
  ),
  'PUT /payouts/accounts/{sellerId}': write([401, 403, 403, 403, 200], (f) =>
    send(`/payouts/accounts/${f.users.seller.id}`, { stripeAccountId: 'acct_1Matrix' }),
  ),

  // Operations: Prometheus metrics take their own token (METRICS_TOKEN), never a user's, an
  // admin's included.
  'GET /metrics': read([401, 401, 401, 401, 401], () => '/metrics'),

  // Payments: admins record and configure; the parties read their order's; Stripe signs its calls.
  'GET /payments/settings': read([401, 403, 403, 403, 200], () => '/payments/settings'),
  // 10 is the fee already in force, so the cell that succeeds changes nothing others could see.
  'PUT /payments/settings': write([401, 403, 403, 403, 200], () =>
    send('/payments/settings', { platformFeePercent: 10 }),
  ),
  'POST /payments': write([401, 403, 403, 403, 201], async (f) =>
    send('/payments', {
      orderId: await f.order(),
      stripeTxId: `pi_${f.unique()}`,
      totalAmount: 40,
    }),
  ),
  'GET /payments': read([401, 403, 403, 403, 200], async (f) => after([f.payment()], '/payments')),
  'GET /payments/order/{orderId}': read([401, 403, 200, 200, 200], async (f) =>
    after([f.payment()], `/payments/order/${await f.order()}`),
  ),
  // Public to the JWT guard: Stripe authenticates with its signature; a bearer token is ignored.
  'POST /payments/webhooks/stripe': write([200, 200, 200, 200, 200], (f) => {
    const { payload, signature } = f.stripeEvent();
    const headers = { 'Stripe-Signature': signature };
    return { path: '/payments/webhooks/stripe', raw: payload, headers };
  }),

  // Marketplace settings: every signed-in user reads them (listings and orders follow them);
  // admins replace them. The body is the defaults, so the cell that succeeds changes nothing.
  'GET /marketplace/settings': read([401, 200, 200, 200, 200], () => '/marketplace/settings'),
  'PUT /marketplace/settings': write([401, 403, 403, 403, 200], () =>
    send('/marketplace/settings', {
      defaultProcess: 'DIRECT',
      autoCompleteAfter: 'P3D',
      cancellationWindow: 'PT48H',
      clearancePeriod: 'P7D',
    }),
  ),
};

/**
 * `npm run seed`: a small, believable marketplace to click through: a buyer, two creators, an
 * admin, their listings, a venue with events, and orders in different states. Running it again
 * changes nothing once the demo accounts exist.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { upsertAdmin } from '../src/users/admin-account';
import { hashPassword } from '../src/users/password-hasher';

const PASSWORD = 'echo-demo-2026';

const PEOPLE = [
  { key: 'buyer', email: 'buyer@echo.test', username: 'lucia_buys' },
  { key: 'illustrator', email: 'illustrator@echo.test', username: 'marc_draws' },
  { key: 'musician', email: 'musician@echo.test', username: 'nora_sound' },
] as const;
type Person = (typeof PEOPLE)[number]['key'];

async function insertUsers(tx: EntityManager, hash: string): Promise<Record<Person, number>> {
  const ids = {} as Record<Person, number>;
  for (const p of PEOPLE) {
    const rows: { id: number }[] = await tx.query(
      `INSERT INTO users (email, username, password_hash) VALUES ($1, $2, $3) RETURNING id`,
      [p.email, p.username, hash],
    );
    ids[p.key] = rows[0].id;
  }
  return ids;
}

async function insertItem(
  tx: EntityManager,
  creatorId: number,
  title: string,
  cents: number | null,
  type: string,
  description: string,
): Promise<number> {
  const rows: { id: number }[] = await tx.query(
    `INSERT INTO items (creator_id, title, description, base_price_cents, item_type)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [creatorId, title, description, cents, type],
  );
  return rows[0].id;
}

/** An order with its history: PENDING by the buyer, then each change in `steps`. */
async function insertOrder(
  tx: EntityManager,
  buyerId: number,
  sellerId: number,
  itemId: number,
  cents: number,
  steps: [string, number][],
): Promise<number> {
  const status = steps.length ? steps[steps.length - 1][0] : 'PENDING';
  const rows: { id: number }[] = await tx.query(
    `INSERT INTO orders (buyer_id, seller_id, item_id, final_price_cents, status)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [buyerId, sellerId, itemId, cents, status],
  );
  const history: [string, number][] = [['PENDING', buyerId], ...steps];
  for (const [step, by] of history) {
    await tx.query(
      `INSERT INTO order_status_history (order_id, status, changed_by_user_id) VALUES ($1, $2, $3)`,
      [rows[0].id, step, by],
    );
  }
  await tx.query(
    `INSERT INTO order_messages (order_id, sender_id, content) VALUES ($1, $2, $3), ($1, $4, $5)`,
    [
      rows[0].id,
      buyerId,
      'Hi! Looking forward to working together.',
      sellerId,
      'Thanks for the order, I will share a first draft soon.',
    ],
  );
  return rows[0].id;
}

/**
 * A payment as the webhook would record it, matching its order, with the fee at the default
 * 10%; `refunded` is a refund decided by dispute resolution. Its ledger entries are written as
 * the service writes them: the seller's earning (less the fee), and for a refund the seller's
 * part of it (the fee given back in proportion). The earnings of a COMPLETED order are
 * AVAILABLE (it was paid days ago), the others PENDING.
 */
async function insertPayment(tx: EntityManager, orderId: number, cents: number, refunded = 0) {
  const status =
    refunded === 0 ? 'SUCCEEDED' : refunded < cents ? 'PARTIALLY_REFUNDED' : 'REFUNDED';
  const fee = Math.round(cents * 0.1);
  const feeBack = Math.round((fee * refunded) / cents);
  const rows: { id: number; seller_id: number; state: string }[] = await tx.query(
    `INSERT INTO payments (order_id, stripe_tx_id, total_amount_cents, platform_fee_cents,
                           platform_fee_percent, currency, status, refunded_amount_cents,
                           dispute_refunded_cents, payment_date)
     VALUES ($1, $5, $2::int, $6, 10, 'EUR', $3, $4, $4, now() - interval '3 days')
     RETURNING id,
       (SELECT seller_id FROM orders WHERE id = $1),
       (SELECT CASE status WHEN 'COMPLETED' THEN 'AVAILABLE' ELSE 'PENDING' END
        FROM orders WHERE id = $1) AS state`,
    [orderId, cents, status, refunded, `pi_demo_${orderId}`, fee],
  );
  const { id, seller_id: sellerId, state } = rows[0];
  const entries: [string, number, number][] = [['EARNING', cents - fee, fee]];
  if (refunded > 0) entries.push(['REFUND', -(refunded - feeBack), -feeBack]);
  for (const [type, amount, feePart] of entries) {
    await tx.query(
      `INSERT INTO ledger_entries (seller_id, order_id, payment_id, type, amount_cents,
                                   platform_fee_cents, currency, state, available_at, execution)
       VALUES ($1, $2, $3, $4::varchar, $5, $6, 'EUR', $7::varchar,
               CASE WHEN $7::varchar = 'AVAILABLE' THEN now() END,
               CASE WHEN $4::varchar = 'REFUND' THEN 'MANUAL' END)`,
      [sellerId, orderId, id, type, amount, feePart, state],
    );
  }
}

/** A dispute with a short thread; resolved ones carry the admin's resolution. */
async function insertDispute(
  tx: EntityManager,
  orderId: number,
  openedBy: number,
  reason: string,
  thread: [number, string][],
  resolution: string | null,
) {
  const rows: { id: number }[] = await tx.query(
    `INSERT INTO disputes (order_id, created_by_user_id, reason, status, resolution, closed_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END)
     RETURNING id`,
    [orderId, openedBy, reason, resolution === null ? 'OPEN' : 'CLOSED', resolution],
  );
  for (const [userId, message] of thread) {
    await tx.query(
      'INSERT INTO dispute_messages (dispute_id, user_id, message) VALUES ($1, $2, $3)',
      [rows[0].id, userId, message],
    );
  }
}

export async function seed(ds: DataSource): Promise<string> {
  const existing: unknown[] = await ds.query(`SELECT 1 FROM users WHERE email = $1`, [
    PEOPLE[0].email,
  ]);
  if (existing.length > 0) return 'The demo data is already there.';
  const hash = await hashPassword(PASSWORD);
  await upsertAdmin(ds, 'admin@echo.test', hash);
  await ds.transaction(async (tx) => {
    const who = await insertUsers(tx, hash);
    const cover = await insertItem(
      tx,
      who.illustrator,
      'Album cover illustration',
      15000,
      'SERVICE',
      'Hand-drawn cover art in two rounds of revisions, delivered as print-ready files.',
    );
    await insertItem(
      tx,
      who.illustrator,
      'Risograph poster set',
      4550,
      'PRODUCT',
      'Three A3 posters printed in two colours.',
    );
    const jingle = await insertItem(
      tx,
      who.musician,
      'Custom jingle (30 s)',
      32000,
      'SERVICE',
      'An original 30-second jingle with stems.',
    );
    await insertItem(
      tx,
      who.musician,
      'Ambient sample pack',
      null,
      'DIGITAL',
      'Price agreed per licence.',
    );
    const completed = await insertOrder(tx, who.buyer, who.illustrator, cover, 16500, [
      ['IN_PROGRESS', who.illustrator],
      ['COMPLETED', who.illustrator],
    ]);
    const inProgress = await insertOrder(tx, who.buyer, who.musician, jingle, 32000, [
      ['IN_PROGRESS', who.musician],
    ]);
    await insertOrder(tx, who.buyer, who.illustrator, cover, 15000, []);
    await insertOrder(tx, who.buyer, who.musician, jingle, 30000, [['CANCELLED', who.buyer]]);
    await insertPayment(tx, completed, 16500, 2000);
    await insertPayment(tx, inProgress, 32000);
    await tx.query(
      `INSERT INTO reviews (order_id, author_id, reviewed_user_id, score, comment)
       VALUES ($1, $2, $3, 5, 'Great communication throughout. The cover matched the brief.')`,
      [completed, who.buyer, who.illustrator],
    );
    await insertDispute(
      tx,
      completed,
      who.buyer,
      'The printed proofs came out darker than the approved files.',
      [
        [who.buyer, 'Photos of the proofs are attached; the blacks are crushed.'],
        [who.illustrator, 'The printer used the wrong profile; I re-exported the files.'],
      ],
      'Files re-exported for the printer; 20.00 refunded for the reprint.',
    );
    await insertDispute(
      tx,
      inProgress,
      who.buyer,
      'The deadline for the jingle passed a week ago with no draft.',
      [[who.buyer, 'We need it for a launch on Friday.']],
      null,
    );
    const venue: { id: number }[] = await tx.query(
      `INSERT INTO venues (manager_id, name, address, city, capacity, description)
       VALUES ($1, 'La Nau', 'Carrer de Bilbao 211', 'Barcelona', 350,
               'Former factory turned into a concert and exhibition space.')
       RETURNING id`,
      [who.musician],
    );
    await tx.query(
      `INSERT INTO events (venue_id, creator_id, title, description, start_date, end_date)
       VALUES ($1, $2, 'Open studio night', 'Meet the illustrators of the neighbourhood.',
               now() - interval '10 days', now() - interval '10 days' + interval '4 hours'),
              ($1, $3, 'Winter showcase', 'Live sets from local musicians.',
               now() + interval '20 days', now() + interval '20 days' + interval '5 hours')`,
      [venue[0].id, who.illustrator, who.musician],
    );
    await tx.query(
      `INSERT INTO venue_event_reviews (author_id, target_type, target_id, score, comment)
       VALUES ($1, 'VENUE', $2, 4, 'Great sound, a little crowded at the bar.')`,
      [who.buyer, venue[0].id],
    );
  });
  return [
    'Demo marketplace created. Every account uses the password ' + PASSWORD + ':',
    '  admin@echo.test        ADMIN',
    ...PEOPLE.map((p) => `  ${p.email.padEnd(22)} ${p.key}`),
  ].join('\n');
}

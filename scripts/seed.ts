/**
 * `npm run seed`: a small, believable marketplace to click through: a buyer, two creators, an
 * admin, their listings, a venue with events, and orders in different states. Running it again
 * changes nothing once the demo accounts exist.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { upsertAdmin } from '../src/users/admin-account';
import { hashPassword } from '../src/users/password-hasher';
import { withMigratedDatabase } from './script-database';

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
): Promise<void> {
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
}

async function seed(ds: DataSource): Promise<string> {
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
    await insertOrder(tx, who.buyer, who.illustrator, cover, 16500, [
      ['IN_PROGRESS', who.illustrator],
      ['COMPLETED', who.illustrator],
    ]);
    await insertOrder(tx, who.buyer, who.musician, jingle, 32000, [['IN_PROGRESS', who.musician]]);
    await insertOrder(tx, who.buyer, who.illustrator, cover, 15000, []);
    await insertOrder(tx, who.buyer, who.musician, jingle, 30000, [['CANCELLED', who.buyer]]);
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
  });
  return [
    'Demo marketplace created. Every account uses the password ' + PASSWORD + ':',
    '  admin@echo.test        ADMIN',
    ...PEOPLE.map((p) => `  ${p.email.padEnd(22)} ${p.key}`),
  ].join('\n');
}

withMigratedDatabase(seed).then(
  (summary) => process.stdout.write(`${summary}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

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

async function seed(ds: DataSource): Promise<string> {
  const existing: unknown[] = await ds.query(`SELECT 1 FROM users WHERE email = $1`, [
    PEOPLE[0].email,
  ]);
  if (existing.length > 0) return 'The demo data is already there.';
  const hash = await hashPassword(PASSWORD);
  await upsertAdmin(ds, 'admin@echo.test', hash);
  await ds.transaction(async (tx) => {
    const who = await insertUsers(tx, hash);
    await insertItem(
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
    await insertItem(
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

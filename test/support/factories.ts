import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

export interface TestUser {
  id: number;
  email: string;
  username: string;
  password: string;
  token: string;
  auth: { Authorization: string };
}

const unique = () => randomBytes(4).toString('hex');

/** Registers a user through the API. */
export async function aUser(t: TestApp, prefix = 'user'): Promise<TestUser> {
  const suffix = unique();
  const body = {
    email: `${prefix}.${suffix}@example.com`,
    username: `${prefix}_${suffix}`.slice(0, 30),
    password: `pw-${suffix}-secret`,
  };
  const res = await t.http.post('/users/register').send(body).expect(201);
  return {
    id: res.body.id,
    email: body.email,
    username: body.username,
    password: body.password,
    token: res.body.token,
    auth: { Authorization: `Bearer ${res.body.token}` },
  };
}

/** A user promoted to ADMIN in the database, logged in again so the token carries the role. */
export async function anAdmin(t: TestApp): Promise<TestUser> {
  const user = await aUser(t, 'admin');
  await t.sql.query(`UPDATE users SET roles = ARRAY['USER','ADMIN'] WHERE id = $1`, [user.id]);
  const res = await t.http
    .post('/users/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  return { ...user, token: res.body.token, auth: { Authorization: `Bearer ${res.body.token}` } };
}

/** A listing created through the API by `creator`. */
export async function anItem(
  t: TestApp,
  creator: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<{ id: number; basePrice: number | null }> {
  const res = await t.http
    .post('/items')
    .set(creator.auth)
    .send({ title: 'Poster design', basePrice: 120.5, itemType: 'SERVICE', ...overrides })
    .expect(201);
  return res.body;
}

/** Counts rows of a table, to prove that a refused request wrote nothing. */
export async function countRows(t: TestApp, table: string): Promise<number> {
  const { rows } = await t.sql.query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

/** The usual cast of an order test: a buyer, a seller with a listing, a stranger, an admin. */
export async function aCast(t: TestApp): Promise<{
  buyer: TestUser;
  seller: TestUser;
  stranger: TestUser;
  admin: TestUser;
  itemId: number;
}> {
  const [buyer, seller, stranger, admin] = await Promise.all([
    aUser(t, 'buyer'),
    aUser(t, 'seller'),
    aUser(t),
    anAdmin(t),
  ]);
  return { buyer, seller, stranger, admin, itemId: (await anItem(t, seller)).id };
}

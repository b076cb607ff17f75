import { DataSource, type EntityManager } from 'typeorm';
import { upsertAdminAccount, type AdminAccount, type NewAdmin } from './users.repository';

/** The stored email and a wanted username (its local part, at least 3 characters) for an admin. */
export function adminIdentity(email: string): Pick<NewAdmin, 'email' | 'username'> {
  const normalized = email.trim().toLowerCase();
  const local = (normalized.split('@')[0] ?? '').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 20);
  return { email: normalized, username: local.length >= 3 ? local : `admin-${local}` };
}

/**
 * Creates the admin with this email, or promotes the existing account and resets its password.
 * Shared by `npm run admin:create`, `npm run seed` and the ADMIN_EMAIL/ADMIN_PASSWORD start-up
 * bootstrap; there is deliberately no HTTP route that can make an admin.
 */
export function upsertAdmin(
  db: DataSource | EntityManager,
  email: string,
  passwordHash: string,
): Promise<AdminAccount> {
  const manager = db instanceof DataSource ? db.manager : db;
  return upsertAdminAccount(manager, { ...adminIdentity(email), passwordHash });
}

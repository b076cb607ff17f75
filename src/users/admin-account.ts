import type { DataSource } from 'typeorm';

export interface AdminAccount {
  id: number;
  email: string;
  username: string;
}

/**
 * Creates the admin with this email, or promotes the existing account and resets its password.
 * Shared by `npm run admin:create` and the ADMIN_EMAIL/ADMIN_PASSWORD start-up bootstrap; there
 * is deliberately no HTTP route that can make an admin.
 */
export async function upsertAdmin(
  dataSource: DataSource,
  email: string,
  passwordHash: string,
): Promise<AdminAccount> {
  const normalized = email.trim().toLowerCase();
  const local = (normalized.split('@')[0] ?? '').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 20);
  const username = local.length >= 3 ? local : `admin-${local}`;
  const rows: AdminAccount[] = await dataSource.query(
    `INSERT INTO users (email, username, password_hash, roles)
     VALUES ($1,
             CASE WHEN EXISTS (SELECT 1 FROM users WHERE username = $2)
                  THEN $2 || '-' || substr(md5(random()::text), 1, 6) ELSE $2 END,
             $3, ARRAY['USER','ADMIN'])
     ON CONFLICT (email) DO UPDATE
       SET roles = ARRAY['USER','ADMIN'], password_hash = EXCLUDED.password_hash,
           is_active = true, updated_at = now()
     RETURNING id, email, username`,
    [normalized, username, passwordHash],
  );
  return rows[0];
}

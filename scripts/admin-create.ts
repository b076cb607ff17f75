/**
 * `npm run admin:create -- --email E --password P`: creates the first admin, or promotes an
 * existing account. Runs against DATABASE_URL, or the embedded database in DATA_DIR (stop
 * `npm start` first: one process at a time may own that folder).
 */
import { upsertAdmin } from '../src/users/admin-account';
import { adminUpsertWarning } from '../src/users/users.repository';
import { hashPassword } from '../src/users/password-hasher';
import { fail, flags, withMigratedDatabase } from './script-database';

async function main(): Promise<void> {
  const { email, password } = flags(process.argv.slice(2));
  if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    fail('usage: npm run admin:create -- --email admin@example.com --password "<8+ characters>"');
  }
  if (!password || password.length < 8 || password.length > 128) {
    fail('The password must be 8 to 128 characters long.');
  }
  const admin = await withMigratedDatabase(async (ds) =>
    upsertAdmin(ds, email, await hashPassword(password)),
  );
  const warning = adminUpsertWarning(admin);
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(
    `Admin ready: ${admin.email} (id ${admin.id}, username ${admin.username})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

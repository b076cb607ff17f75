/**
 * `npm run seed`: fills the database (DATABASE_URL, or the embedded one in DATA_DIR) with the
 * demo marketplace of demo-data.ts and prints the logins.
 */
import { seed } from './demo-data';
import { withMigratedDatabase } from './script-database';

withMigratedDatabase(seed).then(
  (summary) => process.stdout.write(`${summary}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

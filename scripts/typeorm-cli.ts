/**
 * `npm run migration:generate -- <Name>`, `migration:run`, `migration:revert`: the TypeORM CLI
 * on ormconfig.ts, pointed at DATABASE_URL or, when none is set, at the embedded database in
 * DATA_DIR (stop `npm start` first: one process at a time may own that folder).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { validateEnv } from '../src/config/env.validation';
import { resolveDatabase } from '../src/database/embedded-database';
import { migrate } from '../src/database/migrate';

async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  const allowed = ['migration:generate', 'migration:run', 'migration:revert', 'migration:show'];
  if (!allowed.includes(command)) {
    process.stderr.write(`usage: typeorm-cli <${allowed.join('|')}> [Name]\n`);
    return 2;
  }
  if (command === 'migration:generate' && !/^[A-Z][A-Za-z0-9]*$/.test(name ?? '')) {
    process.stderr.write('usage: npm run migration:generate -- <PascalCaseName>\n');
    return 2;
  }
  const env = validateEnv(process.env);
  const database = await resolveDatabase(env);
  try {
    if (command === 'migration:generate') {
      // A migration is the difference between the entities and the schema that the existing
      // migrations build, so apply those first.
      await migrate(database.url);
    }
    const root = join(__dirname, '..', '..');
    const cli = join(root, 'node_modules', 'typeorm', 'cli.js');
    const args = [cli, '-d', join(__dirname, '..', 'ormconfig.js'), command];
    if (command === 'migration:generate') args.push(join(root, 'migrations', name), '--pretty');
    const result = spawnSync(process.execPath, args, {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: database.url },
    });
    return result.status ?? 1;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

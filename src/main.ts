import 'reflect-metadata';
import { createApp } from './bootstrap';
import { validateEnv } from './config/env.validation';
import { resolveDatabase } from './database/embedded-database';
import { migrate } from './database/migrate';

async function main(): Promise<void> {
  const started = Date.now();
  const env = validateEnv(process.env);
  const database = await resolveDatabase(env);
  await migrate(database.url);
  const app = await createApp({ databaseUrl: database.url, env });
  await app.listen({ port: env.PORT, host: env.HOST });

  const url = `http://localhost:${env.PORT}${env.API_PREFIX}`;
  const where = database.embedded ? `embedded PostgreSQL in ${env.DATA_DIR}` : 'DATABASE_URL';
  process.stdout.write(
    `ECHO is listening on ${url} (docs at ${url}/docs), database: ${where}, ` +
      `ready in ${Date.now() - started} ms\n`,
  );

  // Graceful shutdown: stop taking requests and jobs, let those in flight finish, close the
  // pools, then stop the embedded database.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received, shutting down\n`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `ECHO failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});

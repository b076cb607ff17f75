/**
 * `npm run openapi`: writes the app's OpenAPI document to openapi.json (committed; a test fails
 * when it differs from what the code generates), then the typed client's schema from it.
 * It boots the app on a throwaway embedded PostgreSQL (or DATABASE_URL), with default settings,
 * so the document does not depend on the local environment.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApiDocument, createApp } from '../src/bootstrap';
import { startEmbeddedPostgres, type DatabaseHandle } from '../src/database/embedded-database';
import { migrate } from '../src/database/migrate';

export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');

async function main(): Promise<void> {
  for (const name of ['API_PREFIX', 'METRICS_ENABLED', 'DOCS_ENABLED', 'NODE_ENV']) {
    delete process.env[name];
  }
  process.env.LOG_LEVEL = 'warn';
  const scratch = mkdtempSync(join(tmpdir(), 'echo-openapi-'));
  process.env.DATA_DIR = scratch;
  let database: DatabaseHandle | null = null;
  try {
    const url =
      process.env.DATABASE_URL ??
      (database = await startEmbeddedPostgres({
        dataDir: scratch,
        persistent: false,
        database: 'echo',
        waysOut: { dataDir: 'TMPDIR', server: 'DATABASE_URL' },
      })).url;
    await migrate(url);
    const app = await createApp({ databaseUrl: url });
    await app.init();
    const document = buildOpenApiDocument(app);
    await app.close();
    writeFileSync(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
    process.stdout.write(`Wrote ${OPENAPI_FILE}\n`);
  } finally {
    await database?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

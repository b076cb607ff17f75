import { Client } from 'pg';
import type { DatabaseHandle } from '../../src/database/embedded-database';
import { withDatabase } from './databases';

/** Drops what the run created on a shared server; stops the embedded one. */
export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __echoEmbedded?: DatabaseHandle }).__echoEmbedded;
  if (embedded) {
    await embedded.stop();
    return;
  }
  const serverUrl = process.env.ECHO_TEST_SERVER_URL;
  const template = process.env.ECHO_TEST_TEMPLATE;
  if (!serverUrl || !template) return;
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `${template}\\_f\\_%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

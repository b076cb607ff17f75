import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The same server URL, pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A short-lived connection to the server's maintenance database, for CREATE and DROP DATABASE.
 * It hears its own errors: unheard, a cut connection would be thrown into whatever test runs.
 */
export function maintenanceClient(serverUrl: string): Client {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  client.on('error', () => undefined);
  return client;
}

/**
 * A fresh database for one test file, cloned from the migrated template. Cloning can collide
 * with another clone of the same template starting at the same moment, so it is retried.
 */
export async function cloneTemplate(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.ECHO_TEST_SERVER_URL;
  const template = process.env.ECHO_TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error('Run e2e tests through jest (globalSetup).');
  const name = `${template}_f_${randomBytes(4).toString('hex')}`;
  const admin = maintenanceClient(serverUrl);
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (err) {
        const busy = (err as { code?: string }).code === '55006';
        if (!busy || attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      const c = maintenanceClient(serverUrl);
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
